"""Eight clerks edit different fields of the same batch at once, round after round: nothing is lost. Every
accepted save is a commit holding that clerk's value (and every earlier accepted value of the others); every
refused save was told so (409, the Chinese stale message) and its value is nowhere in the history."""

from __future__ import annotations

import subprocess
import threading

from web_support import *  # noqa: F403
from web_support import form_fields, login

from generator.spec_edit import SpecText
from web.users import UserStore

MINI = "examples/mini.yaml"
ROUNDS = 6
FIELDS = {  # form field → the spec's key path
    "notice/copies": ("notice", "copies"),
    "notice/doc_number/seq": ("notice", "doc_number", "seq"),
    "alloc-0-lab-due": ("allocations", 0, "lab", "due"),
    "alloc-0-lab-advance": ("allocations", 0, "lab", "advance"),
    "alloc-0-lab-perf": ("allocations", 0, "lab", "perf"),
    "alloc-2-lab-due": ("allocations", 2, "lab", "due"),
    "alloc-2-lab-advance": ("allocations", 2, "lab", "advance"),
    "alloc-3-lab-advance": ("allocations", 3, "lab", "advance"),
}


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def clerk_session(web_app, index: int):
    name = f"并发{index}"
    UserStore(web_app.config["USERS_FILE"], "pbkdf2:sha256:1000").add(name, "correct horse 1", "clerk")
    return name, login(web_app.test_client(), name)


def test_eight_clerks_lose_nothing(web_app, spec_root):
    start = git(spec_root, "rev-parse", "HEAD").strip()
    clients = [clerk_session(web_app, i) for i in range(len(FIELDS))]
    barrier = threading.Barrier(len(clients))
    outcomes: list[tuple[str, str, str, str]] = []  # (user, field, value, accepted|refused)
    failures: list[str] = []
    lock = threading.Lock()

    def work(index: int, name: str, client) -> None:
        field = list(FIELDS)[index]
        for round_ in range(ROUNDS):
            value = str(1000 * (index + 1) + round_)  # unique per clerk and round
            form = form_fields(client.get(f"/spec/{MINI}").get_data(as_text=True), "notice/copies")
            barrier.wait(timeout=60)  # everyone submits at once, each from the version they just opened
            resp = client.post(f"/spec/{MINI}", data={**form, field: value})
            page = resp.get_data(as_text=True)
            if resp.status_code == 200 and "已保存" in page:
                kind = "accepted"
            elif resp.status_code == 409 and "未保存" in page and "已修改并保存了这个文件" in page:
                kind = "refused"
            else:
                kind = "other"
            with lock:
                outcomes.append((name, field, value, kind))
                if kind == "other":
                    failures.append(f"{name} {field}={value}: HTTP {resp.status_code}")

    threads = [threading.Thread(target=work, args=(i, n, c)) for i, (n, c) in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert len(outcomes) == len(FIELDS) * ROUNDS
    accepted = [o for o in outcomes if o[3] == "accepted"]
    refused = [o for o in outcomes if o[3] == "refused"]
    assert accepted, "at least the first save of each round is accepted"
    print(f"{len(accepted)} accepted, {len(refused)} refused")

    commits = git(spec_root, "rev-list", "--reverse", f"{start}..HEAD").split()
    assert len(commits) == len(accepted)  # one commit per accepted save, none for a refused one
    history: list[tuple[str, dict]] = []
    for commit in commits:
        author = git(spec_root, "log", "-1", "--format=%an", commit).strip()
        spec = SpecText(git(spec_root, "show", f"{commit}:{MINI}"))
        history.append((author, {f: spec.get(p) for f, p in FIELDS.items()}))
    # every accepted save is in the history: a commit by that clerk with that value
    for name, field, value, _ in accepted:
        assert any(a == name and values[field] == value for a, values in history), (name, field, value)
    # every refused value never reached the file
    for _name, field, value, _ in refused:
        assert all(values[field] != value for _a, values in history), (field, value)
    # nothing lost: each commit keeps every field not its author's as the previous commit had it
    previous = {f: SpecText(git(spec_root, "show", f"{start}:{MINI}")).get(p) for f, p in FIELDS.items()}
    owner = {name: list(FIELDS)[i] for i, (name, _c) in enumerate(clients)}
    for author, values in history:
        for field in FIELDS:
            if field != owner[author]:
                assert values[field] == previous[field], (author, field)
        previous = values
    # and the file now holds each clerk's last accepted value
    final = SpecText((spec_root / MINI).read_text(encoding="utf-8"))
    for name, field in owner.items():
        mine = [v for n, f, v, k in outcomes if n == name and k == "accepted"]
        if mine:
            assert final.get(FIELDS[field]) == mine[-1]
