"""UNO helper run by LibreOffice's Python (not ours): converts files to PDF in one soffice.

Started by generator/pdf.py as `<uno python> pdf_worker.py <pipe name> <connect seconds>`.
It imports nothing from the project, because the interpreter that has `uno` (Debian's
/usr/bin/python3 with python3-uno) is not the project's interpreter.

Protocol, one JSON object per line. Out: {"ready": true} once connected, or {"ok": false, ...}.
In: {"src": path, "dst": path}; out: {"ok": true} or {"ok": false, "kind": "doc"|"worker",
"error": text}. "doc" means the file itself could not be loaded or exported (retrying will
not help); "worker" means the LibreOffice side broke (the caller should restart it).
End of input: close LibreOffice and exit.
"""

import contextlib
import json
import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.io import IOException
from com.sun.star.lang import DisposedException, IllegalArgumentException

EXPORT_FILTERS = {
    "com.sun.star.text.TextDocument": "writer_pdf_Export",
    "com.sun.star.sheet.SpreadsheetDocument": "calc_pdf_Export",
}
# Import filters by extension, so that a damaged file fails instead of opening as text.
IMPORT_FILTERS = {".docx": "MS Word 2007 XML", ".xlsx": "Calc MS Excel 2007 XML"}
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE


def make_props(**values):
    """A tuple of PropertyValue, as UNO's load and store calls take them."""
    props = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        props.append(prop)
    return tuple(props)


def connect_desktop(pipe_name, seconds):
    """The Desktop of the soffice listening on pipe_name, retrying while it starts."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(url)
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", ctx
    )


def convert_one(desktop, src, dst):
    """Load src hidden and read-only, export it as PDF to dst; returns a reply dict."""
    url = uno.systemPathToFileUrl(os.path.abspath(src))
    options = {"Hidden": True, "ReadOnly": True, "MacroExecutionMode": NEVER_EXECUTE}
    import_filter = IMPORT_FILTERS.get(os.path.splitext(src)[1].lower())
    if import_filter:
        options["FilterName"] = import_filter
    load_props = make_props(**options)
    try:
        doc = desktop.loadComponentFromURL(url, "_blank", 0, load_props)
    except (IllegalArgumentException, IOException) as e:
        return {"ok": False, "kind": "doc", "error": f"无法打开：{e.Message}"}
    if doc is None:
        return {
            "ok": False,
            "kind": "doc",
            "error": "无法打开：LibreOffice 读不了此文件（已损坏，或内容与扩展名不符）",
        }
    try:
        kind = next((k for k in EXPORT_FILTERS if doc.supportsService(k)), None)
        if kind is None:
            return {"ok": False, "kind": "doc", "error": "不是文字文档或电子表格"}
        if kind == "com.sun.star.sheet.SpreadsheetDocument":
            doc.calculateAll()  # files from openpyxl carry no cached formula values
        out_url = uno.systemPathToFileUrl(os.path.abspath(dst))
        doc.storeToURL(out_url, make_props(FilterName=EXPORT_FILTERS[kind]))
        return {"ok": True}
    except IOException as e:
        return {"ok": False, "kind": "doc", "error": f"无法导出 PDF：{e.Message}"}
    finally:
        with contextlib.suppress(
            Exception
        ):  # the reply matters more than a failed close
            doc.close(True)


def serve(desktop, requests, replies):
    """Answer one request line at a time until the input ends."""
    for line in requests:
        job = json.loads(line)
        try:
            reply = convert_one(desktop, job["src"], job["dst"])
        except DisposedException as e:
            reply = {
                "ok": False,
                "kind": "worker",
                "error": f"LibreOffice 连接已断开：{e.Message}",
            }
        except Exception as e:  # noqa: BLE001 - any other UNO error means the bridge broke
            reply = {"ok": False, "kind": "worker", "error": f"{type(e).__name__}: {e}"}
        replies.write(json.dumps(reply, ensure_ascii=False) + "\n")
        replies.flush()


def main():
    """Connect, say ready, serve, and close LibreOffice when our caller goes away."""
    pipe_name, seconds = sys.argv[1], float(sys.argv[2])
    # Keep the protocol on a private copy of stdout: native code may print to fd 1.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        desktop = connect_desktop(pipe_name, seconds)
    except Exception as e:  # noqa: BLE001 - reported to the caller, who restarts us
        replies.write(
            json.dumps({"ok": False, "kind": "worker", "error": str(e)}) + "\n"
        )
        return 1
    replies.write('{"ready": true}\n')
    replies.flush()
    serve(desktop, sys.stdin, replies)
    with contextlib.suppress(
        Exception
    ):  # soffice already gone; the caller kills the rest
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
