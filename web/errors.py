"""Chinese error pages for 400/403/404/405/413/500 (and 429); tracebacks go to the log, never the browser."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: ("请求有误", "这个请求无法处理。请返回上一页，刷新后再试。"),
    401: ("需要登录", "请先登录。"),
    403: ("没有权限", "您没有权限执行这个操作。"),
    404: ("找不到页面", "没有这个页面或文件。请从批次列表重新进入。"),
    405: ("不支持此操作", "这个地址不接受这种请求。请从页面上的按钮操作。"),
    413: ("文件太大", "上传的文件或提交的内容超过了上限（{limit}）。"),
    429: ("请求太频繁", "请稍后再试。"),
    500: ("服务器内部错误", "处理请求时出错，错误已记入日志。请把发生的时间告诉管理员。"),
}
CSRF_MESSAGE = "表单已失效或不是从本站页面提交的（可能已重新登录）。请返回，刷新页面后重新提交。"


def init_errors(app) -> None:
    """Every HTTP error and every unhandled exception renders error.html."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unhandled)


def _limit_text() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{limit / 1024 / 1024:g} MB"


def error_page(code: int, detail: str | None = None):
    """The Chinese page for an HTTP status; `detail` is our own message (never an exception's text)."""
    title, text = TITLES.get(code, TITLES[500] if code >= 500 else TITLES[400])
    return render_template("error.html", code=code, title=title, text=text.format(limit=_limit_text()),
                           detail=detail), code


def _csrf_error(e: CSRFError):
    current_app.logger.warning("CSRF refused: %s %s: %s", request.method, request.path, e.description)
    return error_page(400, CSRF_MESSAGE)


def _http_error(e: HTTPException):
    if e.code is None or e.code < 400:
        return e  # redirects raised as exceptions pass through
    # Our own aborts carry Chinese descriptions; werkzeug's default English ones are not shown.
    detail = e.description if e.description and e.description != type(e).description else None
    if e.code >= 500:
        current_app.logger.error("HTTP %s on %s %s", e.code, request.method, request.path)
    response = error_page(e.code, detail)
    if e.code == 405 and getattr(e, "valid_methods", None):
        response = (response[0], response[1], {"Allow": ", ".join(e.valid_methods)})
    return response


def _unhandled(e: Exception):
    if isinstance(e, HTTPException):
        return _http_error(e)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_page(InternalServerError.code)
