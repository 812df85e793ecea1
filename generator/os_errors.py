"""Operating-system errors told in Chinese, naming the path: what a clerk or IT staff can act on."""

from __future__ import annotations

import errno

REASONS = {
    errno.EACCES: "没有权限（请检查文件夹的所有者和读写权限）",
    errno.EPERM: "操作不被允许（文件或文件夹可能被锁定或设为不可修改）",
    errno.ENOSPC: "磁盘空间已满（请清理磁盘后重试）",
    errno.EDQUOT: "超出磁盘配额（请清理后重试或联系管理员）",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已有同名的文件或文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EBUSY: "文件或文件夹正被占用",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "打开的文件过多",
    errno.ELOOP: "符号链接层数过多（可能是循环链接）",
    errno.EXDEV: "不能跨磁盘移动",
}


def describe(e: OSError, action: str, path=None) -> str:
    """`action` path：reason, e.g. 无法写入 /srv/out/x.docx：磁盘空间已满（请清理磁盘后重试）."""
    where = path if path is not None else (e.filename if e.filename is not None else "")
    reason = REASONS.get(e.errno) or (e.strerror or type(e).__name__)
    if e.errno not in REASONS and e.errno is not None:
        reason += f"（错误码 {errno.errorcode.get(e.errno, e.errno)}）"
    return f"{action} {where}：{reason}" if where != "" else f"{action}：{reason}"
