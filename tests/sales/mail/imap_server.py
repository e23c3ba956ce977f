"""A real IMAP server on loopback for the reply-polling tests: Debian's dovecot (installed by
``python -m tools.mailserver ensure``, which ``make test`` runs), started here with a
configuration of its own in a temporary folder, on two free loopback ports (``imap`` with
STARTTLS, ``imaps`` with TLS from the start), one mail user with a password, plain-text login
refused before TLS, Maildir storage in the same folder; never the system's service.

Mail reaches the mailbox as a buyer's mail server would put it there: ``APPEND`` over IMAPS, or,
while the server is down (``halt``/``resume``: a restart on the same ports and storage), written
into the Maildir as a mail server's local delivery does (``deliver_to_maildir``).
``crash`` kills it at once. ``Dovecot(idle=False)`` offers no IDLE (its capability list without
it)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from imapclient import IMAPClient

from tests.sales.mail.server import self_signed_cert
from tools.mailserver import dovecot_path
from tools.stack import free_port

USER = "replies@lumora.example"
PASSWORD = "imap-pass-w0rd-for-tests"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = exportdesk-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:{root}/home/%u/Maildir
{capability}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
"""


# dovecot 2.3's capabilities after login, IDLE left out
NO_IDLE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ SORT THREAD=REFERENCES MULTIAPPEND "
    "UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH "
    "SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY SPECIAL-USE"
)


def _users() -> tuple[str, str, int, int]:
    """Who dovecot's processes run as: the package's users when root (mail stored as nobody:
    dovecot refuses mail as root), else the current user for everything."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return "dovenull", "dovecot", nobody.pw_uid, nobody.pw_gid
    me = pwd.getpwuid(os.geteuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


class Dovecot:
    """``with Dovecot() as server:`` a running dovecot; ``server.url("imaps")`` for IMAP_URL."""

    def __init__(self, *, idle: bool = True) -> None:
        self.idle = idle
        binary = dovecot_path()
        if binary is None:
            raise RuntimeError("dovecot is not installed: python -m tools.mailserver ensure")
        self.binary = binary
        self.port, self.tls_port = free_port(), free_port()
        self.root = Path(tempfile.mkdtemp(prefix="exportdesk-dovecot-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.mail_owner = (0, 0)

    @property
    def cert(self) -> Path:
        return self.root / "smtp-cert.pem"

    def url(self, scheme: str = "imaps", folder: str = "INBOX") -> str:
        port = self.tls_port if scheme == "imaps" else self.port
        return f"{scheme}://{USER.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}/{folder}"

    def start(self) -> Dovecot:
        self.root.chmod(0o755)  # the login and mail processes run as other users
        cert, key = self_signed_cert(self.root)
        key.chmod(0o600)
        login_user, internal_user, uid, gid = _users()
        self.mail_owner = (uid, gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        home = self.root / "home"
        for folder in (self.root / "run", self.root / "state", home):
            folder.mkdir(mode=0o755)
        os.chown(home, uid, gid)
        config = self.root / "dovecot.conf"
        config.write_text(
            _CONFIG.format(
                root=self.root,
                cert=cert,
                key=key,
                port=self.port,
                tls_port=self.tls_port,
                login_user=login_user,
                internal_user=internal_user,
                uid=uid,
                gid=gid,
                capability="" if self.idle else f"imap_capability = {NO_IDLE}",
            )
        )
        return self.resume()

    def resume(self) -> Dovecot:
        """Start (again) with the configuration and the mail written by ``start``."""
        config = self.root / "dovecot.conf"
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "stderr.log").open("ab"),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.tls_port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen within 20 s: {self.log()}")

    def log(self) -> str:
        texts = []
        for name in ("stderr.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                texts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(texts)

    def halt(self) -> None:
        """Stop the server and keep its mail (``resume`` starts it again)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def crash(self) -> None:
        """Kill the server and its processes at once (SIGKILL: no BYE, the connections just
        close) and keep its mail (``resume`` starts it again)."""
        if self.process is None:
            return
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        kids = [int(k) for k in children.read_text().split()] if children.exists() else []
        for target in (pid, *kids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the mailbox as a test sees it ------------------------------------------------------

    def client(self) -> IMAPClient:
        context = ssl.create_default_context(cafile=str(self.cert))
        client = IMAPClient("127.0.0.1", port=self.tls_port, ssl=True, ssl_context=context)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """A mail arrives in the mailbox."""
        with self.client() as client:
            client.append(folder, raw)

    def deliver_to_maildir(self, raw: bytes) -> None:
        """A mail arrives in the INBOX as a mail server's local delivery writes it (Maildir:
        written in ``tmp``, renamed into ``new``), whether dovecot runs or not."""
        maildir = self.root / "home" / USER / "Maildir"
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.exportdesk-test"
        for folder in ("tmp", "new", "cur"):
            (maildir / folder).mkdir(parents=True, exist_ok=True)
        written = maildir / "tmp" / name
        written.write_bytes(raw.replace(b"\r\n", b"\n"))
        for path in (maildir, *(maildir / f for f in ("tmp", "new", "cur")), written):
            os.chown(path, *self.mail_owner)
        written.rename(maildir / "new" / name)

    def uids(self, folder: str) -> list[int]:
        """The messages in a folder ([] when it does not exist)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(client.search(["NOT", "DELETED"]))
