"""Writes the lines read on stdin to an audit log through logging.handlers.RotatingFileHandler,
the handler AMAS's audit logger uses, so rotation (audit.log -> audit.log.1 -> ...) is Python's own.

usage: python3 write_audit_log.py PATH MAX_BYTES BACKUP_COUNT < lines
"""
import logging
import logging.handlers
import sys

path, max_bytes, backups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("amas.audit")
logger.setLevel(logging.INFO)
logger.addHandler(handler)
for line in sys.stdin.buffer:
    logger.info(line.decode("utf-8", "surrogateescape").rstrip("\n"))
handler.close()
