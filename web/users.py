"""The office's users: names, roles and password hashes in one JSON file (the instance folder, outside specs/).

Commands (also `python -m web.users …`):
    flask --app app user-add NAME --role clerk|admin     # asks for the password twice
    flask --app app user-password NAME                   # resets a password (signs the user out everywhere)
    flask --app app user-role NAME --role clerk|admin
    flask --app app user-remove NAME
    flask --app app user-list
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("clerk", "admin")
ROLE_LABELS = {"clerk": "经办人", "admin": "管理员"}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-]{1,40}$")  # letters (Chinese too), digits, _ . -
# Compared against when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class UserError(ValueError):
    """Raised for a bad user name, role or password, or a missing or duplicate user (message in Chinese)."""


@dataclass(frozen=True)
class User(UserMixin):
    """A signed-in person; `stamp` changes with the password so that old sessions stop working."""

    name: str
    role: str
    stamp: str

    def get_id(self) -> str:
        """The session's user id: name and stamp."""
        return f"{self.name}|{self.stamp}"

    @property
    def is_admin(self) -> bool:
        """Administrators edit profiles, registries, layouts and templates."""
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self.role]


class UserStore:
    """The users file: read on each lookup (it is small), rewritten atomically under a file lock."""

    def __init__(self, path: Path, method: str = "scrypt"):
        self.path = Path(path)
        self.method = method  # werkzeug's hash method for new passwords (tests use a cheap one)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data.get("users", {})

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            users = self._read()
            yield users
            self._write(users)

    def _write(self, users: dict) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".users.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"users": users}, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> User | None:
        """The user of that name, or None."""
        record = self._read().get(name)
        return User(name, record["role"], record["stamp"]) if record else None

    def load(self, user_id: str) -> User | None:
        """The user of a session id, None when the user is gone or the password changed since."""
        name, _, stamp = user_id.partition("|")
        user = self.get(name)
        return user if user and secrets.compare_digest(user.stamp, stamp) else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is right, else None (same cost for unknown names)."""
        record = self._read().get(name)
        if not check_password_hash(record["password"] if record else _DUMMY_HASH, password) or not record:
            return None
        return User(name, record["role"], record["stamp"])

    def names(self) -> list[User]:
        """Every user, by name."""
        return [User(n, r["role"], r["stamp"]) for n, r in sorted(self._read().items())]

    def add(self, name: str, password: str, role: str) -> None:
        """A new user."""
        _check_name(name), _check_role(role), _check_password(password)
        with self._locked() as users:
            if name in users:
                raise UserError(f"用户「{name}」已存在")
            users[name] = {"role": role, "password": generate_password_hash(password, self.method), "stamp": secrets.token_hex(8)}

    def set_password(self, name: str, password: str) -> None:
        """A new password; the user's sessions end."""
        _check_password(password)
        with self._locked() as users:
            _existing(users, name).update(password=generate_password_hash(password, self.method), stamp=secrets.token_hex(8))

    def set_role(self, name: str, role: str) -> None:
        """A new role; the user's sessions end."""
        _check_role(role)
        with self._locked() as users:
            _existing(users, name).update(role=role, stamp=secrets.token_hex(8))

    def remove(self, name: str) -> None:
        """The user is gone (their sessions end)."""
        with self._locked() as users:
            _existing(users, name)
            del users[name]


def _existing(users: dict, name: str) -> dict:
    if name not in users:
        raise UserError(f"没有用户「{name}」")
    return users[name]


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise UserError("用户名应为 1–40 个字母、汉字、数字或 _ . -")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"角色应为 {' 或 '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")


def user_store() -> UserStore:
    """The running app's users file."""
    return UserStore(current_app.config["USERS_FILE"], current_app.config["PASSWORD_HASH_METHOD"])


def _password_option(func):
    return click.option("--password-stdin", is_flag=True, help="read the password from standard input (scripts)")(func)


def _ask_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


def _run(action) -> None:
    try:
        action()
    except UserError as e:
        raise click.ClickException(str(e)) from e


@click.command("user-add")
@with_appcontext
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="clerk", show_default=True)
@_password_option
def user_add(name: str, role: str, password_stdin: bool) -> None:
    """Add a user (clerk or admin)."""
    _run(lambda: user_store().add(name, _ask_password(password_stdin), role))
    click.echo(f"已添加用户「{name}」（{ROLE_LABELS[role]}）。")


@click.command("user-password")
@with_appcontext
@click.argument("name")
@_password_option
def user_password(name: str, password_stdin: bool) -> None:
    """Reset a user's password (their open sessions end)."""
    _run(lambda: user_store().set_password(name, _ask_password(password_stdin)))
    click.echo(f"已重设「{name}」的密码。")


@click.command("user-role")
@with_appcontext
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
def user_role(name: str, role: str) -> None:
    """Change a user's role."""
    _run(lambda: user_store().set_role(name, role))
    click.echo(f"「{name}」现为{ROLE_LABELS[role]}。")


@click.command("user-remove")
@with_appcontext
@click.argument("name")
def user_remove(name: str) -> None:
    """Remove a user."""
    _run(lambda: user_store().remove(name))
    click.echo(f"已删除用户「{name}」。")


@click.command("user-list")
@with_appcontext
def user_list() -> None:
    """List the users and their roles."""
    for user in user_store().names():
        click.echo(f"{user.name}\t{user.role}")


COMMANDS = (user_add, user_password, user_role, user_remove, user_list)


def main() -> None:
    """`python -m web.users user-add NAME …`: the same commands without the flask launcher."""
    from app import create_app

    FlaskGroup(create_app=lambda: create_app(), add_default_commands=False)(prog_name="python -m web.users")


if __name__ == "__main__":
    main()
