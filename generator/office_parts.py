"""The package parts Word and Excel expect beside the content: a theme and the extended properties (app.xml).

Word and Excel write both into every file; the Open XML SDK's validator (and openxml-audit, which ports it)
reports a document without a theme relationship as a schema violation that may make the application repair
the file. Our .docx templates may come from a clerk's Word (then they already have both, and they are kept)
or from make_templates.py (then they are added here); the .xlsx writer adds them to every workbook.
"""

from __future__ import annotations

import re

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
THEME_REL = f"{REL}/theme"
APP_REL = f"{REL}/extended-properties"
THEME_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"
APP_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
APPLICATION = "资金下达文件生成器"

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _solid(color: str) -> str:
    return f'<a:solidFill><a:schemeClr val="{color}"/></a:solidFill>'


def _line(width: int) -> str:
    return (f'<a:ln w="{width}" cap="flat" cmpd="sng" algn="ctr">{_solid("phClr")}'
            '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>')


def _fonts(tag: str, latin: str, east_asian: str) -> str:
    return (f'<a:{tag}><a:latin typeface="{latin}"/><a:ea typeface=""/><a:cs typeface=""/>'
            f'<a:font script="Hans" typeface="{east_asian}"/></a:{tag}>')


_COLORS = (("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"), ("accent2", "ED7D31"),
           ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"), ("accent6", "70AD47"),
           ("hlink", "0563C1"), ("folHlink", "954F72"))

# The Office theme's colours and, for Chinese, 宋体 as the East Asian theme font (our styles name their fonts
# explicitly, so the theme decides nothing visible; it is there because the format requires it).
THEME_XML = (
    f'{XML}<a:theme xmlns:a="{_A}" name="Office Theme"><a:themeElements>'
    '<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
    '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
    + "".join(f'<a:{name}><a:srgbClr val="{rgb}"/></a:{name}>' for name, rgb in _COLORS)
    + '</a:clrScheme><a:fontScheme name="Office">'
    + _fonts("majorFont", "Calibri Light", "宋体") + _fonts("minorFont", "Calibri", "宋体")
    + "</a:fontScheme><a:fmtScheme name=\"Office\"><a:fillStyleLst>"
    + _solid("phClr") * 3 + "</a:fillStyleLst><a:lnStyleLst>" + _line(6350) + _line(12700) + _line(19050)
    + "</a:lnStyleLst><a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    + "</a:effectStyleLst><a:bgFillStyleLst>" + _solid("phClr") * 3
    + "</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
).encode("utf-8")

APP_XML = (
    f'{XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "<AppVersion>1.0000</AppVersion></Properties>"
).encode()


def content_type_override(part: str, content_type: str) -> str:
    """One <Override> of [Content_Types].xml."""
    return f'<Override PartName="/{part}" ContentType="{content_type}"/>'


def _add_override(types: bytes, part: str, content_type: str) -> bytes:
    text = types.decode("utf-8")
    if f'PartName="/{part}"' in text:
        return types
    at = text.rindex("</Types>")
    return (text[:at] + content_type_override(part, content_type) + text[at:]).encode("utf-8")


def _add_relationship(rels: bytes, rel_type: str, target: str) -> bytes:
    text = rels.decode("utf-8")
    if f'Type="{rel_type}"' in text:
        return rels
    taken = set(re.findall(r'Id="([^"]+)"', text))
    number = 1
    while f"rId{number}" in taken:
        number += 1
    at = text.rindex("</Relationships>")
    item = f'<Relationship Id="rId{number}" Type="{rel_type}" Target="{target}"/>'
    return (text[:at] + item + text[at:]).encode("utf-8")


def with_theme_and_app(parts: dict[str, bytes], folder: str = "word") -> dict[str, bytes]:
    """parts (of a .docx: folder "word"; of an .xlsx: "xl") with a theme and docProps/app.xml where missing,
    each with its content type and relationship; parts that have them are returned unchanged."""
    out = dict(parts)
    main = "document.xml" if folder == "word" else "workbook.xml"
    main_rels = f"{folder}/_rels/{main}.rels"
    theme = f"{folder}/theme/theme1.xml"
    if THEME_REL.encode() not in out.get(main_rels, b""):
        out.setdefault(theme, THEME_XML)
        out[main_rels] = _add_relationship(out[main_rels], THEME_REL, "theme/theme1.xml")
        out["[Content_Types].xml"] = _add_override(out["[Content_Types].xml"], theme, THEME_TYPE)
    if APP_REL.encode() not in out.get("_rels/.rels", b""):
        out.setdefault("docProps/app.xml", APP_XML)
        out["_rels/.rels"] = _add_relationship(out["_rels/.rels"], APP_REL, "docProps/app.xml")
        out["[Content_Types].xml"] = _add_override(out["[Content_Types].xml"], "docProps/app.xml", APP_TYPE)
    return out
