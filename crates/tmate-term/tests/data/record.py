#!/usr/bin/env python3
"""Re-record the PTY output fixtures used by tests/replay.rs.

Each recording runs a real program in a pseudo-terminal of 80x24 with TERM=xterm-256color,
types the keys of its script, and keeps the exact bytes the program wrote (after the pty's
output processing, as a terminal would receive them) up to the moment before it is told to
quit. The quit itself is not recorded, so the last screen is the program's.

Usage: python3 record.py [NAME...]     (from any directory; writes next to this file)
Needs: bash, vim, less, top, ls (coreutils). Output files are small (< 200 KB each).
"""

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLS, ROWS = 80, 24


def run(argv, steps, cwd, env_extra=None, idle=0.6, limit=8.0):
    """Run argv in a pty; for each step wait until output is idle, then send its bytes.

    A step of None ends the recording (the program is then killed, its output discarded).
    Returns the bytes read before the end.
    """
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        env = {
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": cwd,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
        }
        env.update(env_extra or {})
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    out = bytearray()

    def drain(until_idle):
        start = time.monotonic()
        last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - last >= until_idle or now - start >= limit:
                return
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                out.extend(data)
                last = time.monotonic()

    for step in steps:
        if isinstance(step, float):
            drain(step)
            continue
        drain(idle)
        if step is None:
            break
        os.write(fd, step)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return bytes(out)


def make_files(root):
    with open(os.path.join(root, "sample.py"), "w") as f:
        f.write(
            "#!/usr/bin/env python3\n"
            "\"\"\"A small file for the vim recording.\"\"\"\n\n"
            "import sys\n\n\n"
            "def greet(name: str) -> str:\n"
            "    # Say hello to someone.\n"
            "    return f\"Hello, {name}!\"\n\n\n"
            "class Counter:\n"
            "    def __init__(self):\n"
            "        self.n = 0\n\n"
            "    def bump(self, by=1):\n"
            "        self.n += by\n"
            "        return self.n\n\n\n"
            "if __name__ == \"__main__\":\n"
            "    print(greet(sys.argv[1] if len(sys.argv) > 1 else \"world\"))\n"
            "    print('wide: 你好, emoji: 🎉')\n"
        )
    with open(os.path.join(root, "numbers.txt"), "w") as f:
        for i in range(1, 121):
            f.write(f"line {i:3d}: {'abcdefghij' * (i % 7)} 行{i}\n")
    d = os.path.join(root, "lsdir")
    os.mkdir(d)
    for sub in ["alpha_dir", "beta_dir"]:
        os.mkdir(os.path.join(d, sub))
    for name in ["README.md", "notes.txt", "archive.tar.gz", "photo.jpg", "data.csv", "zeta"]:
        open(os.path.join(d, name), "w").close()
    for name in ["run.sh", "build"]:
        p = os.path.join(d, name)
        open(p, "w").close()
        os.chmod(p, 0o755)
    os.symlink("notes.txt", os.path.join(d, "link_to_notes"))
    os.symlink("missing_target", os.path.join(d, "broken_link"))
    os.mkdir(os.path.join(d, "sticky_other"))
    os.chmod(os.path.join(d, "sticky_other"), 0o1777)


def recordings(root):
    lsdir = os.path.join(root, "lsdir")
    return {
        "vim.bin": (
            ["vim", "-u", "NONE", "-i", "NONE", "-N", "-n",
             "-c", "syntax on", "-c", "set number ruler laststatus=2", "sample.py"],
            [1.5, b"12G", b"wwv3l", None],
            {},
        ),
        "top.bin": (
            ["top", "-d", "0.5"],
            [1.2, 1.0, None],
            {},
        ),
        "top_batch.bin": (
            ["top", "-b", "-n", "2", "-d", "0.2", "-w", "80"],
            [1.5, None],
            {},
        ),
        "less.bin": (
            ["less", "numbers.txt"],
            [b" ", b"/abc\r", None],
            {"LESS": "", "LESSHISTFILE": "-"},
        ),
        "ls.bin": (
            ["ls", "--color=always", "-C", "-F", lsdir],
            [None],
            {"LS_COLORS": ""},
        ),
        "shell_cjk.bin": (
            ["bash", "--norc", "--noprofile", "-i"],
            [
                b"echo '\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c caf\xc3\xa9 \xf0\x9f\x8e\x89\xf0\x9f\x9a\x80 done'\r",
                b"printf '%s' '" + ("漢字" * 21).encode() + b"'; echo\r",
                b"printf '\\033[1;35m\xe5\xbd\xa9\xe8\x89\xb2\\033[0m \\033[4m\xe4\xb8\x8b\xe7\xba\xbf\\033[0m\\n'\r",
                None,
            ],
            {"PS1": "\\[\\e[1;32m\\]用户@主机\\[\\e[0m\\]:~ 🚀 $ ", "HISTFILE": "/dev/null"},
        ),
    }


def main():
    names = sys.argv[1:]
    with tempfile.TemporaryDirectory() as root:
        make_files(root)
        for name, (argv, steps, env) in recordings(root).items():
            if names and name not in names:
                continue
            if shutil.which(argv[0]) is None:
                print(f"skip {name}: {argv[0]} not installed")
                continue
            data = run(argv, steps, root, env)
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(data)
            print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
