"""Renderers that print what StarlingX tools and their neighbours print, for eval/search/pastes.

Used by gen_pastes.py. The formats follow the software, not a guess:

- Ansible 2.10 as configured by StarlingX 9.0 (/etc/ansible/ansible.cfg from starlingx/ansible-playbooks:
  stdout_callback = yaml, callback_whitelist = profile_tasks): a banner per task padded with '*', the
  profile_tasks time line under it, results dumped as YAML (width 1000, block style for multi-line strings,
  keys sorted, 'changed=...' in the header line), 'FAILED - RETRYING' lines, PLAY RECAP and the
  profile_tasks summary.
- fm alarm-list (python-fmclient): column ratios .08/.54/.15/.10/.10 of the terminal width, text wrapped
  with fmclient's patched word splitter, and a blank line added under a wrapped cell.
- prettytable grids as printed by the system (cgtsclient) and dcmanager clients.
"""

import datetime as _dt
import random
import re
import textwrap

import yaml


# --------------------------------------------------------------------------------------------------
# Ansible


class _Dumper(yaml.SafeDumper):
    pass


def _repr_str(dumper, value):
    style = None
    if any(c in value for c in "\n\r\x1c\x1d\x1e\x85\u2028\u2029"):
        style = "|"
        value = re.sub(r" +\n", "\n", value.rstrip()).expandtabs()
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _repr_str)


def ansible_dump(result):
    """What the yaml stdout callback prints after 'ok: [localhost] =>' or 'FAILED! =>'."""
    result = dict(result)
    dumped = ""
    if "changed" in result:
        dumped += "changed=%s " % str(result.pop("changed")).lower()
    if "skipped" in result:
        dumped += "skipped=%s " % str(result.pop("skipped")).lower()
    if "stdout" in result and "stdout_lines" in result:
        result["stdout_lines"] = "<omitted>"
    if "stderr" in result and "stderr_lines" in result:
        result["stderr_lines"] = "<omitted>"
    if result:
        dumped += "\n"
        dumped += yaml.dump(result, Dumper=_Dumper, allow_unicode=True, width=1000, default_flow_style=False)
    return "\n  ".join(dumped.split("\n")).rstrip()


def _secs(s):
    ms = int(round(s * 1000))
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    sec, ms = divmod(ms, 1000)
    return "%d:%02d:%02d.%03d" % (h, m, sec, ms)


class AnsibleRun:
    """Accumulates the text of one ansible-playbook run."""

    def __init__(self, start, width=80, seed=0, host="localhost"):
        self.lines = []
        self.t0 = start
        self.now = start
        self.t_prev = start
        self.columns = max(79, width - 1)
        self.rng = random.Random(seed)
        self.host = host
        self.counts = dict(ok=0, changed=0, unreachable=0, failed=0, skipped=0, rescued=0, ignored=0)
        self.durations = []
        self.current = None

    # -- low level
    def out(self, text=""):
        self.lines.extend(text.split("\n"))

    def banner(self, msg):
        msg = msg.strip()
        stars = "*" * max(3, self.columns - len(msg))
        self.out("")
        self.out("%s %s" % (msg, stars))

    def filled(self, msg, fchar="*"):
        if not msg:
            width = 79
        else:
            msg = "%s " % msg
            width = 79 - len(msg)
        if width < 3:
            width = 3
        return "%s%s " % (msg, fchar * width)

    def tasktime(self):
        stamp = self.now.strftime("%A %d %B %Y  %H:%M:%S +0000")
        elapsed = (self.now - self.t_prev).total_seconds()
        total = (self.now - self.t0).total_seconds()
        self.t_prev = self.now
        return self.filled("%s (%s)%s%s" % (stamp, _secs(elapsed), " " * 7, _secs(total)))

    def advance(self, seconds):
        self.now = self.now + _dt.timedelta(seconds=seconds)

    # -- play structure
    def play(self, name="all"):
        self.banner("PLAY [%s]" % name)

    def task(self, role, name, duration=None, mod="set_fact"):
        if self.current is not None:
            self.durations.append(self.current)
        label = ("%s : %s" % (role, name)) if role else name
        self.banner("TASK [%s]" % label)
        self.out(self.tasktime())
        if duration is None:
            duration = self.default_duration(mod)
        self.current = (label, duration)
        self.advance(duration)

    def default_duration(self, mod, skipped=False):
        r = self.rng
        if skipped:
            return r.uniform(0.018, 0.06)
        table = {
            "set_fact": (0.02, 0.07), "debug": (0.02, 0.06), "fail": (0.02, 0.05), "stat": (0.25, 0.6),
            "include_vars": (0.04, 0.12), "command": (0.3, 2.2), "shell": (0.35, 2.6), "script": (0.6, 3.4),
            "file": (0.25, 0.7), "copy": (0.5, 1.3), "template": (0.5, 1.4), "lineinfile": (0.3, 0.8),
            "systemd": (0.6, 4.5), "service": (0.6, 3.5), "wait_for": (0.3, 6.0), "docker_login": (0.2, 0.5),
        }
        lo, hi = table.get(mod, (0.1, 0.9))
        return r.uniform(lo, hi)

    def status(self, status, suffix=""):
        host = self.host
        key = {"ok": "ok", "changed": "changed", "skipping": "skipped"}[status]
        self.counts[key] += 1
        self.out("%s: [%s]%s" % (status, host, suffix))

    def result(self, status, result):
        key = {"ok": "ok", "changed": "changed"}[status]
        self.counts[key] += 1
        self.out("%s: [%s] => %s" % (status, self.host, ansible_dump(result)))

    def fatal(self, result, item=None):
        self.counts["failed"] += 1
        if item is None:
            self.out("fatal: [%s]: FAILED! => %s" % (self.host, ansible_dump(result)))
        else:
            self.out("failed: [%s] (item=%s) => %s" % (self.host, item, ansible_dump(result)))

    def retrying(self, task_name, left):
        self.out("FAILED - RETRYING: %s (%d retries left)." % (task_name, left))

    def warning(self, text):
        self.out("[WARNING]: %s" % text)

    def recap(self, summary_limit=20):
        if self.current is not None:
            self.durations.append(self.current)
            self.current = None
        c = self.counts
        self.banner("PLAY RECAP")
        self.out(
            "%-26s : %s %s %s %s %s %s %s"
            % (
                self.host,
                "ok=%-4s" % c["ok"], "changed=%-4s" % c["changed"], "unreachable=%-4s" % c["unreachable"],
                "failed=%-4s" % c["failed"], "skipped=%-4s" % c["skipped"], "rescued=%-4s" % c["rescued"],
                "ignored=%-4s" % c["ignored"],
            )
        )
        self.out("")
        self.out(self.tasktime())
        self.out(self.filled("", fchar="="))
        top = sorted(self.durations, key=lambda x: -x[1])[:summary_limit]
        for label, secs in top:
            self.out("{0:-<{2}}{1:->9}".format(label + " ", " {0:.02f}s".format(secs), self.columns - 9))

    def text(self):
        return "\n".join(self.lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Tables

_fm_wordsep = re.compile(
    r"(\s+|"
    r",|"
    r"=|"
    r"\.|"
    r":|"
    r"[^\s\w]*\w+[^0-9\W]-(?=\w+[^0-9\W])|"
    r"(?<=[\w\!\"\'\&\.\,\?])-{2,}(?=\w))"
)
_fm_biggest_word = re.compile(r"[\.:,;\!\?\\ =-\_]")


class _FmWrapper(textwrap.TextWrapper):
    wordsep_re = _fm_wordsep


def _fm_wrap(s, width, blank_line=True):
    w = _FmWrapper(width)
    new = "\n".join(w.wrap(s)) if s else s
    if blank_line and new != s:
        new += "\n"
    return new


def grid(headers, rows, aligns=None):
    """prettytable with hrules=FRAME as cgtsclient/fmclient print it; cells may contain newlines."""
    cols = len(headers)
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [0] * cols
    for r in cells:
        for i, c in enumerate(r):
            for part in c.split("\n"):
                widths[i] = max(widths[i], len(part))
    sep = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def fmt(r, header=False):
        parts = [c.split("\n") for c in r]
        h = max(len(p) for p in parts)
        out = []
        for k in range(h):
            seg = []
            for i, p in enumerate(parts):
                v = p[k] if k < len(p) else ""
                if header:
                    seg.append(" " + v.center(widths[i]) + " ")
                elif aligns and aligns[i] == "r":
                    seg.append(" " + v.rjust(widths[i]) + " ")
                else:
                    seg.append(" " + v.ljust(widths[i]) + " ")
            out.append("|" + "|".join(seg) + "|")
        return out

    lines = [sep] + fmt(cells[0], header=False) + [sep]
    for r in cells[1:]:
        lines += fmt(r)
    lines.append(sep)
    return "\n".join(lines)


def fm_alarm_list(alarms, term_width=120, nowrap=False):
    """alarms: list of (alarm_id, reason, entity, severity, timestamp); printed newest first, as fm sorts them."""
    alarms = sorted(alarms, key=lambda a: a[4], reverse=True)
    headers = ["Alarm ID", "Reason Text", "Entity ID", "Severity", "Time Stamp"]
    ratios = [0.08, 0.54, 0.15, 0.10, 0.10]
    if nowrap:
        return grid(headers, alarms)
    avail = term_width - (len(headers) * 3 + 1)
    widths = []
    for i, h in enumerate(headers):
        col = [str(a[i]) for a in alarms] + [h]
        minw = len(max((max(_fm_biggest_word.split(c), key=len) + " " for c in col), key=len))
        desired = max(int(avail * ratios[i]), len(h))
        widths.append(max(desired, minw))
    natural = [max(len(str(a[i])) for a in alarms + [tuple(headers)]) for i in range(5)]
    if sum(natural) + len(headers) * 3 + 1 <= term_width:
        return grid(headers, alarms)
    rows = []
    for a in alarms:
        rows.append([_fm_wrap(str(v), widths[i]) if len(str(v)) > widths[i] else str(v) for i, v in enumerate(a)])
    return grid(headers, rows)


def kubectl_table(headers, rows, gap=3):
    """kubectl's tabwriter output: columns padded to the widest cell plus 3 spaces."""
    cells = [headers] + rows
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(headers))]
    out = []
    for r in cells:
        parts = [str(v).ljust(widths[i] + gap) if i < len(headers) - 1 else str(v) for i, v in enumerate(r)]
        out.append("".join(parts).rstrip())
    return "\n".join(out)
