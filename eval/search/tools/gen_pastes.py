#!/usr/bin/env python3
"""Writes the long scrollbacks of eval/search/pastes/ (q4NN.log).

    python3 eval/search/tools/gen_pastes.py            # rewrite every paste
    python3 eval/search/tools/gen_pastes.py q405 q412  # only these

Deterministic: every scenario has its own random seed, so a rerun writes the same bytes. The labels live in
queries.yml, not here; this file only says what each terminal showed. Formats: see stxlog.py, and the
README's "Sources of the printed text".
"""

import datetime as dt
import os
import random
import sys

from stxlog import AnsibleRun, ansible_dump, fm_alarm_list, grid, kubectl_table

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "pastes")

SCENARIOS = {}


def scenario(qid):
    def deco(fn):
        SCENARIOS[qid] = fn
        return fn

    return deco


# --------------------------------------------------------------------------------------------------
# The bootstrap playbook


def load_tasks():
    tasks = []
    with open(os.path.join(HERE, "bootstrap_tasks.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            role, name, mod, status, loop = line.rstrip("\n").split("\t")
            tasks.append(dict(role=role, name=name, mod=mod, status=status, loop=loop == "1"))
    return tasks


TASKS = load_tasks()

NAME_VARS = {
    "{{ image_brand }}": "StarlingX",
    "{{ inventory_hostname }}": "localhost",
    "{{ download_images_task_name }}": "Download images and push to local registry",
    "{{ ca_duration }}": "3",
    "{{ platform_path }}": "/opt/platform",
    "{{ network }}": "management",
    "{{ registry.name }}": "docker_registry",
    "{{ target_device_image_bind_dir }}": "/var/www/pages/device_images",
    "{{ target_helm_bind_dir }}": "/var/www/pages/helm_charts",
    "{{ input_archive }}": "",
}


def display_name(name):
    for k, v in NAME_VARS.items():
        name = name.replace(k, v)
    return name


def find(name, role=None, after=0):
    for i in range(after, len(TASKS)):
        t = TASKS[i]
        if display_name(t["name"]) == name and (role is None or t["role"] == role):
            return i
    raise KeyError(name)


LONG_TASKS = {
    "Applying puppet bootstrap manifest": (140, 420),
    "Saving config in sysinv database": (35, 90),
    "Wait for service endpoints reconfiguration to complete": (40, 160),
    "Initializing Kubernetes master": (55, 130),
    "Bring up etcd": (4, 9),
    "Restart sysinv conductor": (3, 8),
    "Check size of root disk": (1.5, 3.5),
    "Generating static config data": (6, 14),
    "Log in k8s, gcr, quay, ghcr, registryk8s, icr docker registries if credentials exist": (0.2, 0.4),
}

RM_WARNING = (
    "Consider using the file module with state=absent rather than running 'rm'.  If you need to use command "
    "because file is insufficient you can add 'warn: false' to this command task or set "
    "'command_warnings=False' in ansible.cfg to get rid of this message."
)
SYSTEMCTL_WARNING = (
    "Consider using 'systemd' or 'service' module rather than running 'systemctl'.  If you need to use command "
    "because systemd or service is insufficient you can add 'warn: false' to this command task or set "
    "'command_warnings=False' in ansible.cfg to get rid of this message."
)


def stat_item(path, exists):
    if not exists:
        return (
            "{'changed': False, 'stat': {'exists': False}, 'invocation': {'module_args': {'path': '%s', "
            "'follow': False, 'get_md5': False, 'get_checksum': True, 'get_mime': True, 'get_attributes': True, "
            "'checksum_algorithm': 'sha1'}}, 'failed': False, 'item': '%s', 'ansible_loop_var': 'item'}" % (path, path)
        )
    return (
        "{'changed': False, 'stat': {'exists': True, 'path': '%s', 'mode': '0644', 'isdir': False, 'ischr': False, "
        "'isblk': False, 'isreg': True, 'isfifo': False, 'islnk': False, 'issock': False, 'uid': 42, 'gid': 751, "
        "'size': 1213, 'inode': 1840442, 'dev': 64768, 'nlink': 1, 'atime': 1715671262.1634521, "
        "'mtime': 1715671255.8151002, 'ctime': 1715671255.8151002, 'wusr': True, 'rusr': True, 'xusr': False, "
        "'wgrp': False, 'rgrp': True, 'xgrp': False, 'woth': False, 'roth': True, 'xoth': False, 'isuid': False, "
        "'isgid': False, 'blocks': 8, 'block_size': 4096, 'device_type': 0, 'readable': True, 'writeable': True, "
        "'executable': False, 'pw_name': 'sysadmin', 'gr_name': 'sys_protected', 'checksum': "
        "'5c1d4f0a2b7e3c9d8e6f1a2b3c4d5e6f7a8b9c0d', 'mimetype': 'text/plain', 'charset': 'us-ascii', "
        "'version': '3169587398', 'attributes': ['e'], 'attr_flags': 'e'}, 'invocation': {'module_args': "
        "{'path': '%s', 'follow': False, 'get_md5': False, 'get_checksum': True, 'get_mime': True, "
        "'get_attributes': True, 'checksum_algorithm': 'sha1'}}, 'failed': False, 'item': '%s', "
        "'ansible_loop_var': 'item'}" % (path, path, path)
    )


def default_task(run, t, ctx):
    """Print one task the way a fresh AIO-SX virtual bootstrap prints it."""
    name = display_name(t["name"])
    role = t["role"]
    status = t["status"]
    home = ctx.get("home", "/home/sysadmin")
    if role == "common/prepare-env" and name == "stat":
        run.task(role, name, mod="stat")
        for f in ("secrets.yml", "localhost_secrets.yml", "site.yml", "localhost.yml"):
            run.counts["ok"] += 0
            run.out("ok: [localhost -> localhost] => (item=%s/%s)" % (home, f))
        run.counts["ok"] += 1
        return
    if role == "common/prepare-env" and name == "include_vars":
        run.task(role, name, mod="include_vars")
        for f in ("secrets.yml", "localhost_secrets.yml", "site.yml"):
            run.out("skipping: [localhost] => (item=%s) " % stat_item("%s/%s" % (home, f), False))
        run.out("ok: [localhost] => (item=%s)" % stat_item("%s/localhost.yml" % home, True))
        run.counts["ok"] += 1
        return
    if t["mod"] == "included":
        label, path = name.split("|", 1)
        run.task(role, label, duration=run.rng.uniform(0.03, 0.09), mod="include_tasks")
        run.out("included: %s for localhost" % path)
        return
    if name in LONG_TASKS:
        lo, hi = LONG_TASKS[name]
        run.task(role, name, duration=run.rng.uniform(lo, hi), mod=t["mod"])
    else:
        run.task(role, name, duration=run.default_duration(t["mod"], skipped=status == "skipping"), mod=t["mod"])
    if name == "Clean up interface config files in /etc/network/interfaces.d/":
        run.warning(RM_WARNING)
    if name == "Check Docker status":
        run.warning(SYSTEMCTL_WARNING)
    if t["mod"] == "debug" and status != "skipping":
        status = "skipping"
    run.status(status)


def bootstrap_run(
    start,
    fail_name,
    fail_fn,
    start_at=None,
    width=80,
    seed=1,
    prompt="sysadmin@localhost:~$ ",
    command="ansible-playbook /usr/share/ansible/stx-ansible/playbooks/bootstrap.yml",
    customs=None,
    after=None,
    fail_role=None,
    home="/home/sysadmin",
    before=None,
    target=None,
    disk=("/dev/sda", 600),
    running=False,
):
    """Render a bootstrap run from its first task to the failing one, then the recap.

    start_at: the task name the paste starts with (the terminal scrollback was cut there), or None for
    the whole run from the command line. customs: {task name: fn(run, task, ctx)} to print a task
    differently. after: text the user typed after the run.
    """
    customs = dict(customs or {})
    ctx = {"home": home, "disk": disk}
    for k, v in disk_customs().items():
        customs.setdefault(k, v)
    run = AnsibleRun(start, width=width, seed=seed)
    fail_idx = find(fail_name, role=fail_role)
    cut_line = 0
    start_idx = find(start_at) if start_at else None
    if before:
        run.out(before.rstrip("\n"))
    run.out(prompt + command)
    run.play("all")
    for i, t in enumerate(TASKS[: fail_idx + 1]):
        if start_idx is not None and i == start_idx:
            cut_line = len(run.lines)
        name = display_name(t["name"])
        if i == fail_idx:
            fail_fn(run, t, ctx)
            break
        if i in customs:
            customs[i](run, t, ctx)
        elif name in customs:
            customs[name](run, t, ctx)
        else:
            default_task(run, t, ctx)
    if not running:
        run.recap()
    if target is not None and start_idx is None:
        tail = len((after or prompt).encode()) + 1 if not running else 0
        size = tail
        cut_line = None
        for k in range(len(run.lines) - 1, -1, -1):
            size += len(run.lines[k].encode()) + 1
            is_start = run.lines[k].startswith("TASK [") or run.lines[k].startswith(prompt)
            if size > target and cut_line is not None:
                break
            if is_start:
                cut_line = k
                if size > target:
                    break
        cut_line = cut_line or 0
        start_idx = -1
    lines = run.lines[cut_line:] if start_idx is not None else run.lines
    while lines and not lines[0].strip():
        lines = lines[1:]
    text = "\n".join(lines) + "\n"
    if running:
        return text
    text += (after if after is not None else prompt) + ("\n" if after and not after.endswith("\n") else "")
    return text


def disk_customs():
    """The three debug tasks around the root disk check print on every run."""
    i = find("Filter out blank lines from disk size check output")
    j = find("Set root disk and root disk size facts")

    def check(run, t, ctx):
        dev, size = ctx["disk"]
        run.task("bootstrap/prepare-env", "debug", mod="debug")
        res = {"changed": True, "failed": False, "failed_when_result": False, "rc": 0, "stderr": "",
               "stderr_lines": [], "stdout": "%s\n%d\n" % (dev, size), "stdout_lines": [dev, str(size)]}
        if size < 500:
            tb = ("Traceback (most recent call last):\n"
                  '  File "%s/check_root_disk_size.py", line 125, in <module>\n'
                  '    raise Exception("Failed validation!")\n'
                  "Exception: Failed validation!\n" % ctx.get("tmp", "/tmp/.ansible-sysadmin/tmp/ansible-tmp-1716290934.0261717-21988-278015933170981"))
            res.update({"msg": "non-zero return code", "rc": 1, "stderr": tb, "stderr_lines": tb.rstrip("\n").split("\n")})
        run.result("ok", {"disk_size_check_result": res})

    def result(run, t, ctx):
        dev, size = ctx["disk"]
        run.task("bootstrap/prepare-env", "debug", mod="debug")
        run.result("ok", {"disk_size_result": "['%s', '%d']\n" % (dev, size)})

    def warn(run, t, ctx):
        dev, size = ctx["disk"]
        run.task("bootstrap/prepare-env", "debug", mod="debug")
        if size >= 500:
            run.status("skipping")
            return
        run.result("ok", {"msg": "[WARNING]: Root disk %s size is %dGB which is less than the standard size of "
                                 "500GB. Please consult the Software Installation Guide for details." % (dev, size)})

    return {i + 1: check, i + 2: result, j + 1: warn}


def fail_with(msg, role_task_mod="fail", extra=None, changed=False):
    def fn(run, t, ctx):
        run.task(t["role"], display_name(t["name"]), mod=role_task_mod)
        result = {"changed": changed, "msg": msg}
        if extra:
            result.update(extra)
        run.fatal(result)

    return fn


def ok_task(role, name, result=None, status="ok", duration=None, mod="set_fact"):
    def fn(run, t, ctx):
        run.task(role or t["role"], name or display_name(t["name"]), duration=duration, mod=mod)
        if result is None:
            run.status(status)
        else:
            run.result(status, result)

    return fn


# -- image download output ---------------------------------------------------------------------------

IMAGES_90 = [
    "registry.k8s.io/kube-apiserver:v1.24.4",
    "registry.k8s.io/kube-controller-manager:v1.24.4",
    "registry.k8s.io/kube-scheduler:v1.24.4",
    "registry.k8s.io/kube-proxy:v1.24.4",
    "registry.k8s.io/pause:3.7",
    "registry.k8s.io/etcd:3.5.3-0",
    "registry.k8s.io/coredns/coredns:v1.8.6",
    "quay.io/stackanetes/kubernetes-entrypoint:v0.3.1",
    "quay.io/calico/cni:v3.24.0",
    "quay.io/calico/node:v3.24.0",
    "quay.io/calico/kube-controllers:v3.24.0",
    "ghcr.io/k8snetworkplumbingwg/multus-cni:v3.9.2",
    "ghcr.io/k8snetworkplumbingwg/sriov-cni:v2.6.3",
    "ghcr.io/k8snetworkplumbingwg/sriov-network-device-plugin:v3.5.1",
    "registry.k8s.io/ingress-nginx/controller:v1.9.3",
    "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0",
    "registry.k8s.io/ingress-nginx/opentelemetry:v20230721-3e2062ee5",
    "registry.k8s.io/defaultbackend-amd64:1.5",
    "quay.io/jetstack/cert-manager-acmesolver:v1.13.1",
    "quay.io/jetstack/cert-manager-cainjector:v1.13.1",
    "quay.io/jetstack/cert-manager-controller:v1.13.1",
    "quay.io/jetstack/cert-manager-webhook:v1.13.1",
    "quay.io/jetstack/cert-manager-ctl:v1.13.1",
    "registry.k8s.io/sig-storage/snapshot-controller:v4.0.0",
    "docker.io/fluxcd/helm-controller:v0.35.0",
    "docker.io/fluxcd/source-controller:v1.0.1",
    "docker.io/starlingx/n3000-opae:stx.8.0-v1.0.2",
]


def pull_url(img, api="v1.41"):
    repo, tag = img.rsplit(":", 1)
    return "http+docker://localhost/%s/images/create?tag=%s&fromImage=%s" % (api, tag, repo.replace("/", "%2F"))


def download_stdout(images, failing, reason_fn, rng, cached=(), hard=False):
    """stdout of download_images.py: five threads, lines interleaved."""
    per_image = []
    for img in images:
        local = "registry.local:9001/" + img
        if img in cached:
            per_image.append(["Image %s already exists in the containerd cache." % img])
            continue
        lines = [
            "Image %s does not exist in the containerd cache." % img,
            '404 Client Error for http+docker://localhost/v1.41/distribution/%s/json: Not Found '
            '("manifest unknown: manifest unknown")' % local,
            "Image %s not found on local registry, attempt to download..." % img,
        ]
        if img in failing:
            prefix = " HARD FAIL -" if hard else ""
            lines.append("%s Image download failed: %s %s" % (prefix, img, reason_fn(img)))
        else:
            lines += [
                "Image download succeeded: %s" % img,
                "Image push succeeded: %s" % local,
                "Image %s download succeeded by containerd" % img,
            ]
        per_image.append(lines)
    out = []
    active = []
    queue = list(per_image)
    while queue or active:
        while queue and len(active) < 5:
            active.append(queue.pop(0))
        k = rng.randrange(len(active))
        out.append(active[k].pop(0))
        if not active[k]:
            active.pop(k)
    return "\n".join(out)


def download_fail(images, failing, reason_fn, retries=10, hard=False, cached=(), total_secs=(700, 1300)):
    task_name = "Download images and push to local registry"

    def fn(run, t, ctx):
        dur = run.rng.uniform(*total_secs)
        run.task("common/push-docker-images", task_name, duration=dur, mod="script")
        if not hard:
            for left in range(retries, 0, -1):
                run.retrying(task_name, left)
        tmp = "/tmp/.ansible-sysadmin/tmp/ansible-tmp-%d.%d-%d-%d" % (
            int(run.now.timestamp()) - 12, run.rng.randrange(10**5, 10**6), run.rng.randrange(9000, 99999),
            run.rng.randrange(10**14, 10**15),
        )
        failed = [i for i in images if i in failing]
        stderr = (
            "Traceback (most recent call last):\n"
            '  File "%s/download_images.py", line 446, in <module>\n'
            '    raise Exception("Failed to download images %%s" %% failed_downloads)\n'
            "Exception: Failed to download images %s\n" % (tmp, failed)
        )
        result = {
            "changed": True,
            "attempts": 1 if hard else retries + 1,
            "msg": "non-zero return code",
            "rc": 1,
            "stderr": stderr,
            "stderr_lines": [],
            "stdout": download_stdout(images, failing, reason_fn, run.rng, cached=cached, hard=hard),
            "stdout_lines": [],
        }
        run.fatal(result)

    return fn


def fresh_prelude(run_date, host="localhost", oam_if="enp7s1", addr="10.10.10.3", gw="10.10.10.1"):
    return (
        "sysadmin@%s:~$ sudo ip address add %s/24 dev %s\n"
        "Password: \n"
        "sysadmin@%s:~$ sudo ip link set up dev %s\n"
        "sysadmin@%s:~$ sudo ip route add default via %s dev %s\n"
        "sysadmin@%s:~$ ping -c 2 8.8.8.8\n"
        "PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.\n"
        "64 bytes from 8.8.8.8: icmp_seq=1 ttl=115 time=14.2 ms\n"
        "64 bytes from 8.8.8.8: icmp_seq=2 ttl=115 time=13.8 ms\n\n"
        "--- 8.8.8.8 ping statistics ---\n"
        "2 packets transmitted, 2 received, 0% packet loss, time 1002ms\n"
        "rtt min/avg/max/mdev = 13.812/14.006/14.201/0.194 ms\n"
    ) % (host, addr, oam_if, host, oam_if, host, gw, oam_if, host)


def write(qid, text):
    path = os.path.join(OUT, qid + ".log")
    with open(path, "w") as f:
        f.write(text)
    return path, len(text.encode())


# ==================================================================================================
# Scenarios: bootstrap


@scenario("q401")
def dns_during_image_download():
    imgs = IMAGES_90
    failing = set(i for i in imgs if i.split("/")[0] in ("docker.io", "ghcr.io") or "calico" in i or "jetstack/cert-manager-c" in i)

    def reason(img):
        host = {"docker.io": "registry-1.docker.io"}.get(img.split("/")[0], img.split("/")[0])
        return ('500 Server Error for %s: Internal Server Error ("Get "https://%s/v2/": dial tcp: lookup %s: '
                'Temporary failure in name resolution")' % (pull_url(img), host, host))

    cached = [i for i in imgs if i not in failing]
    return bootstrap_run(
        dt.datetime(2024, 5, 14, 9, 2, 11), "Download images and push to local registry",
        download_fail(imgs, failing, reason, cached=cached), target=19000, width=120, seed=401,
        after="sysadmin@localhost:~$ cat /etc/resolv.conf\nnameserver 10.10.10.1\nsysadmin@localhost:~$ ",
    )


def dns_check_custom(servers):
    def fn(run, t, ctx):
        run.task(t["role"], display_name(t["name"]), mod="debug")
        for srv in servers:
            run.counts["ok"] += 0
            run.out("ok: [localhost] => (item=%s) => " % srv)
            run.out("  msg: 'DNS Server: %s'" % srv)
        run.counts["ok"] += 1

    return fn


def included(role, label, fname):
    def fn(run, t, ctx):
        run.task(role, label, duration=run.rng.uniform(0.03, 0.08), mod="include_tasks")
        run.out("included: /usr/share/ansible/stx-ansible/playbooks/roles/%s/tasks/%s for localhost" % (role, fname))

    return fn


def seq(*fns):
    def fn(run, t, ctx):
        for f in fns:
            f(run, t, ctx)

    return fn


@scenario("q402")
def dockerhub_rate_limit():
    imgs = IMAGES_90
    failing = {i for i in imgs if i.startswith("docker.io/")}

    def reason(img):
        return ('500 Server Error for %s: Internal Server Error ("toomanyrequests: You have reached your pull rate '
                'limit. You may increase the limit by authenticating and upgrading: '
                'https://www.docker.com/increase-rate-limit")' % pull_url(img))

    cached = [i for i in imgs if i.startswith("registry.k8s.io/kube-") or "pause" in i]
    return bootstrap_run(
        dt.datetime(2024, 9, 3, 13, 40, 2), "Download images and push to local registry",
        download_fail(imgs, failing, reason, cached=cached, total_secs=(500, 800)), target=17500, width=80,
        seed=402,
    )


@scenario("q403")
def private_registry_x509():
    mirror = "harbor.lab.example.net/stx-mirror"
    imgs = IMAGES_90
    mapped = [mirror + "/" + i for i in imgs]
    failing = set(mapped)

    def reason(img):
        return ('500 Server Error for %s: Internal Server Error ("Get "https://harbor.lab.example.net/v2/": x509: '
                'certificate signed by unknown authority")' % pull_url(img))

    keep = mapped[:4] + mapped[8:14] + mapped[24:]
    return bootstrap_run(
        dt.datetime(2025, 2, 11, 8, 15, 40), "Download images and push to local registry",
        download_fail(keep, failing, reason, total_secs=(300, 520)), target=15500, width=158, seed=403,
        prompt="sysadmin@localhost:~$ ",
        after="sysadmin@localhost:~$ curl -sS -o /dev/null https://harbor.lab.example.net/v2/\n"
              "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
              "More details here: https://curl.se/docs/sslcerts.html\n\n"
              "curl failed to verify the legitimacy of the server and therefore could not\n"
              "establish a secure connection to it. To learn more about this situation and\n"
              "how to fix it, please visit the web page mentioned above.\n"
              "sysadmin@localhost:~$ ",
    )


@scenario("q404")
def proxy_not_configured():
    imgs = IMAGES_90
    failing = {i for i in imgs if not (i.startswith("registry.k8s.io/kube-") or "pause" in i or "etcd" in i or "coredns" in i)}

    def reason(img):
        host = {"docker.io": "registry-1.docker.io"}.get(img.split("/")[0], img.split("/")[0])
        return ('500 Server Error for %s: Internal Server Error ("Get "https://%s/v2/": net/http: request canceled '
                'while waiting for connection (Client.Timeout exceeded while awaiting headers)")' % (pull_url(img), host))

    cached = [i for i in imgs if i not in failing]
    sub = [i for i in imgs if "ingress-nginx" not in i and "acmesolver" not in i and "snapshot" not in i]
    return bootstrap_run(
        dt.datetime(2024, 11, 20, 16, 4, 51), "Download images and push to local registry",
        download_fail(sub, failing, reason, cached=cached, total_secs=(1500, 2100)), target=16500, width=120,
        seed=404,
        after="sysadmin@localhost:~$ env | grep -i proxy\n"
              "https_proxy=http://proxy.corp.example.com:3128\n"
              "http_proxy=http://proxy.corp.example.com:3128\n"
              "sysadmin@localhost:~$ grep -i proxy ~/localhost.yml\n"
              "sysadmin@localhost:~$ curl -sS -o /dev/null -w '%{http_code}\\n' https://quay.io/v2/\n"
              "401\n"
              "sysadmin@localhost:~$ ",
    )


@scenario("q405")
def registry_login_failed():
    reg = "registry.lab.example.org:5000"
    err = ('Logging into %s for user stx-pull failed - 401 Client Error for http+docker://localhost/v1.41/auth: '
           'Unauthorized ("Get "https://%s/v2/": unauthorized: authentication required")' % (reg, reg))

    def login(run, t, ctx):
        run.task("common/push-docker-images", display_name(t["name"]), duration=run.rng.uniform(4, 9), mod="docker_login")
        for _ in range(7):
            run.out("ok: [localhost] => (item=None)")
        run.counts["ok"] += 1

    def seterr(run, t, ctx):
        run.task("common/push-docker-images", display_name(t["name"]), mod="set_fact")
        for _ in range(7):
            run.out("ok: [localhost] => (item=None)")
        run.counts["ok"] += 1

    def fail(run, t, ctx):
        run.task("common/push-docker-images", "Display registry login error", mod="fail")
        run.fatal({"changed": False, "msg": [
            "Failed to log in one of the registry. Please check if docker_registries parameter",
            "is properly configured in bootstrap overrides yaml file and docker registry certificate (where ",
            "applicable) is valid.",
            "Err_code= images_download_failure",
            "Possible failures: " + "".join("|" + err for _ in range(7)),
        ]})

    customs = {
        "Log in k8s, gcr, quay, ghcr, registryk8s, icr docker registries if credentials exist": login,
        "Set login error value if it failed to log in one of the configured registries": seterr,
    }
    return bootstrap_run(
        dt.datetime(2024, 7, 2, 10, 11, 9), "Display registry login error", fail, customs=customs, target=12500,
        width=120, seed=405,
    )


def proxy_includes(http, https, no_proxy, bad_url=None, bad_addresses=None):
    role = "bootstrap/validate-config"

    def urls(run, t, ctx):
        included(role, "Validate http proxy urls", "validate_url.yml")(run, t, ctx)
        for u in (http, https):
            run.task(role, "Check if the supplied proxy is a valid URL", mod="shell")
            run.status("changed")
            run.task(role, "Fail if proxy has the wrong format", mod="fail")
            if bad_url and u == bad_url:
                run.fatal({"changed": False, "msg": "%s is an invalid URL." % u})
                return True
            run.status("skipping")
        return False

    def addrs(run, t, ctx):
        included(role, "Validate no proxy addresses", "validate_address.yml")(run, t, ctx)
        run.task(role, "Check if the specified addresses in the list are valid", mod="shell")
        run.status("changed")
        run.task(role, "Fail if any specified address is not a valid domain name or ip address", mod="fail")
        if bad_addresses:
            run.fatal({"changed": False, "msg": ["Invalid addresses: %s" % bad_addresses]})
            return True
        run.status("skipping")
        return False

    return urls, addrs


@scenario("q406")
def no_proxy_invalid():
    urls, addrs = proxy_includes("http://proxy.corp.example.com:3128", "http://proxy.corp.example.com:3128",
                                 None, bad_addresses=["*.corp.example.com", ".svc.example.net"])
    customs = {"Validate http proxy urls": lambda run, t, ctx: urls(run, t, ctx),
               "Turn on use_docker_proxy flag": ok_task(None, None),
               "Check format of DNS server IP(s)": dns_check_custom(["10.20.0.10", "10.20.0.11"])}
    return bootstrap_run(
        dt.datetime(2024, 10, 8, 7, 58, 30), "Validate no proxy addresses", lambda run, t, ctx: addrs(run, t, ctx),
        customs=customs, target=11000, width=80, seed=406,
        after="sysadmin@localhost:~$ grep -A6 docker_no_proxy localhost.yml\n"
              "docker_no_proxy:\n  - '*.corp.example.com'\n  - .svc.example.net\n  - 10.20.0.15\n"
              "sysadmin@localhost:~$ ",
    )


@scenario("q407")
def proxy_invalid_url():
    urls, addrs = proxy_includes("http://10.44.0.8:8080", "10.44.0.8:8080", None, bad_url="10.44.0.8:8080")
    customs = {"Turn on use_docker_proxy flag": ok_task(None, None),
               "Check format of DNS server IP(s)": dns_check_custom(["10.44.0.2"])}
    return bootstrap_run(
        dt.datetime(2025, 1, 21, 15, 30, 2), "Validate http proxy urls", lambda run, t, ctx: urls(run, t, ctx),
        customs=customs, target=9000, width=120, seed=407,
    )


@scenario("q408")
def unknown_registry_key():
    def fail(run, t, ctx):
        run.task("bootstrap/validate-config", "Fail if any of the configured registry keys is unknown", mod="fail")
        run.out("skipping: [localhost] => (item=docker.io) ")
        run.out("skipping: [localhost] => (item=quay.io) ")
        key = "harbor.lab.local:8443"
        run.fatal({"changed": False, "ansible_loop_var": "item", "item": key,
                   "msg": "Unknown registry key: '%s'. Acceptable keys are quay.io, gcr.io, k8s.gcr.io, docker.io, "
                          "docker.elastic.co, ghcr.io, registry.k8s.io, icr.io, defaults " % key}, item=key)
        run.out("skipping: [localhost] => (item=registry.k8s.io) ")

    return bootstrap_run(
        dt.datetime(2024, 8, 19, 11, 2, 44), "Fail if any of the configured registry keys is unknown", fail,
        target=8200, width=120, seed=408,
    )


@scenario("q409")
def registry_credentials_incomplete():
    return bootstrap_run(
        dt.datetime(2025, 3, 4, 9, 45, 17), "Check defaults registry credentials",
        fail_with("defaults registry username and password must both be specified or not at all"),
        target=6500, width=80, seed=409,
        after="sysadmin@localhost:~$ grep -A8 docker_registries localhost.yml\n"
              "docker_registries:\n  defaults:\n    url: nexus.example.edu:8082\n    user: stx\n"
              "    password: 'Pa55w0rd!'\nsysadmin@localhost:~$ ",
    )


@scenario("q410")
def too_many_dns():
    return bootstrap_run(
        dt.datetime(2024, 6, 27, 14, 20, 5), "Fail if the number of dns servers provided is not at least 1 and no more than 3",
        fail_with("The number of DNS servers exceeds maximum allowable number of 3."), target=14000, width=120,
        seed=410,
    )


def sysinv_db_fail(stdout_upto, exc_line, tb_frame):
    def save(run, t, ctx):
        run.task("bootstrap/persist-config", "Saving config in sysinv database", duration=run.rng.uniform(20, 45), mod="script")
        run.status("changed")
        tmp = "/tmp/.ansible-sysadmin/tmp/ansible-tmp-%d.%d-%d-%d" % (
            int(run.now.timestamp()) - 30, run.rng.randrange(10**5, 10**6), run.rng.randrange(9000, 99999),
            run.rng.randrange(10**14, 10**15))
        stdout_lines = stdout_upto
        stderr = (
            "Traceback (most recent call last):\n"
            '  File "%s/populate_initial_config.py", line 1354, in <module>\n'
            "    populate_network_config(client)\n"
            '  File "%s/populate_initial_config.py", line 673, in populate_network_config\n'
            "    %s\n"
            '  File "%s/populate_initial_config.py", line %s\n'
            "    pool = create_addrpool(client, values, network_name)\n"
            '  File "%s/populate_initial_config.py", line 250, in create_addrpool\n'
            "    raise e\n"
            '  File "%s/populate_initial_config.py", line 238, in create_addrpool\n'
            "    pool = client.sysinv.address_pool.create(**addrpool_data)\n"
            '  File "/usr/lib/python3/dist-packages/cgtsclient/v1/address_pool.py", line 55, in create\n'
            "    return self._create(self._path(), body)\n"
            '  File "/usr/lib/python3/dist-packages/cgtsclient/common/base.py", line 49, in _create\n'
            "    resp, body = self.api.json_request('POST', url, body=body)\n"
            '  File "/usr/lib/python3/dist-packages/cgtsclient/common/http.py", line 108, in json_request\n'
            "    resp, body_iter = self._http_request(url, method, **kwargs)\n"
            '  File "/usr/lib/python3/dist-packages/cgtsclient/common/http.py", line 97, in _http_request\n'
            "    raise exceptions.from_response(resp, body, url, method)\n"
            "%s" % (tmp, tmp, tb_frame[0], tmp, tb_frame[1], tmp, tmp, exc_line)
        )
        run.task("bootstrap/persist-config", "debug", mod="debug")
        res = {"populate_result": {
            "changed": True, "failed": False, "failed_when_result": False, "msg": "non-zero return code", "rc": 1,
            "stderr": stderr, "stderr_lines": stderr.split("\n"),
            "stdout": "\n".join(stdout_lines) + "\n", "stdout_lines": stdout_lines}}
        run.result("ok", res)

    def fail(run, t, ctx):
        run.task("bootstrap/persist-config", "Fail if populate config script throws an exception", mod="fail")
        run.fatal({"changed": False, "msg": "Failed to provision initial system configuration."})

    return save, fail


POPULATE_HEAD = [
    "Populating system config...",
    "System config completed.",
    "Populating load config...",
    "Load config completed.",
    "Populating management network...",
    "Populating pxeboot network...",
    "Populating oam network...",
    "Populating multicast network...",
]


@scenario("q411")
def address_pool_overlap():
    save, fail = sysinv_db_fail(
        POPULATE_HEAD + ["Populating cluster host network...", "Failed to update the initial system config."],
        "cgtsclient.exc.HTTPConflict: Address pool 192.168.206.0/24 overlaps with oam address pool.",
        ("populate_cluster_host_network(client)", '537, in populate_cluster_host_network'))
    return bootstrap_run(
        dt.datetime(2024, 4, 30, 12, 0, 33), "Fail if populate config script throws an exception", fail,
        customs={"Saving config in sysinv database": save}, target=16000, width=120, seed=411,
    )


@scenario("q412")
def oam_not_in_subnet():
    save, fail = sysinv_db_fail(
        POPULATE_HEAD[:6] + ["Populating oam network...", "Failed to update the initial system config."],
        "cgtsclient.exc.HTTPBadRequest: IP Address 10.10.1.2 is not in subnet: 10.10.10.0/24. Please configure "
        "valid IPv4 address.",
        ("populate_oam_network(client)", '452, in populate_oam_network'))
    return bootstrap_run(
        dt.datetime(2025, 4, 15, 18, 22, 3), "Fail if populate config script throws an exception", fail,
        customs={"Saving config in sysinv database": save}, target=13500, width=158, seed=412,
        after="sysadmin@localhost:~$ grep oam localhost.yml\n"
              "external_oam_subnet: 10.10.10.0/24\nexternal_oam_gateway_address: 10.10.10.1\n"
              "external_oam_floating_address: 10.10.1.2\nsysadmin@localhost:~$ ",
    )


@scenario("q413")
def manifest_apply_failed():
    def apply(run, t, ctx):
        run.task("bootstrap/apply-manifest", "Applying puppet bootstrap manifest", duration=run.rng.uniform(380, 520), mod="command")
        run.status("changed")

    puppet = (
        "sysadmin@localhost:~$ sudo grep -n -m 6 -E 'Error:|ERR' /var/log/puppet/latest/puppet.log\n"
        "Password: \n"
        "1841:2024-12-02T10:47:13.291 \x1b[1;31mError: 2024-12-02 10:47:13 +0000 Could not start Service[postgresql]: "
        "Execution of '/usr/bin/systemctl start postgresql' returned 1: Job for postgresql.service failed because a "
        "timeout was exceeded.\x1b[0m\n"
        "1842:2024-12-02T10:47:13.292 \x1b[1;31mError: 2024-12-02 10:47:13 +0000 /Stage[main]/Postgresql::Server::Service/"
        "Service[postgresqld]/ensure: change from 'stopped' to 'running' failed: Could not start Service[postgresql]: "
        "Execution of '/usr/bin/systemctl start postgresql' returned 1\x1b[0m\n"
        "1907:2024-12-02T10:47:40.018 \x1b[mNotice: 2024-12-02 10:47:40 +0000 /Stage[main]/Platform::Sysinv::Runtime/"
        "Exec[sysinv-dbsync]: Dependency Service[postgresqld] has failures: true\x1b[0m\n"
        "sysadmin@localhost:~$ free -m\n"
        "               total        used        free      shared  buff/cache   available\n"
        "Mem:            7948        6512         214          96        1221        1102\n"
        "Swap:              0           0           0\n"
        "sysadmin@localhost:~$ "
    )
    return bootstrap_run(
        dt.datetime(2024, 12, 2, 10, 31, 8), "Fail if puppet manifest apply script returns an error",
        fail_with("Failed to apply bootstrap manifest. Please re-install host localhost before attempting to "
                  "bootstrap it again. See /var/log/puppet/latest/puppet.log for details."),
        customs={"Applying puppet bootstrap manifest": apply}, target=13000, width=120, seed=413, after=puppet,
    )


@scenario("q414")
def already_finalized():
    before = (
        "[sysadmin@controller-0 ~(keystone_admin)]$ system host-list\n"
        + grid(["id", "hostname", "personality", "administrative", "operational", "availability"],
               [["1", "controller-0", "controller", "unlocked", "enabled", "available"]]) + "\n"
        "[sysadmin@controller-0 ~(keystone_admin)]$ system dns-show\n"
        + grid(["Property", "Value"], [["uuid", "6b1f0c3e-9d2a-4e57-b0c4-7a3f5e21d9b8"],
                                        ["nameservers", "8.8.8.8,8.8.4.4"], ["isystem_uuid", "f2a9c5d1-3e47-4b8a-9c06-1d5e7f3b2a40"],
                                        ["created_at", "2024-08-12T09:41:27.311624+00:00"], ["updated_at", "None"]]) + "\n"
        "[sysadmin@controller-0 ~(keystone_admin)]$ vi localhost.yml\n"
    )
    return bootstrap_run(
        dt.datetime(2024, 8, 13, 8, 5, 51), "Fail if host is unlocked or host configurations have already started",
        fail_with('"The bootstrap of host localhost has already been finalized. Please re-install before attempting '
                  'to bootstrap it again."\n'),
        prompt="[sysadmin@controller-0 ~(keystone_admin)]$ ", before=before, width=120, seed=414,
    )


@scenario("q415")
def sudo_wrong_password():
    def fail(run, t, ctx):
        run.task("bootstrap/prepare-env", "Create SSL CA cert directory", duration=run.rng.uniform(14, 22), mod="file")
        run.fatal({"changed": False, "module_stderr": "Sorry, try again.\n[sudo via ansible, key=gqhrbvpzkemtwjyxdnlsacoiufhtqwre] password:\nsudo: 1 incorrect password attempt\n",
                   "module_stdout": "", "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error", "rc": 1})

    return bootstrap_run(
        dt.datetime(2025, 5, 20, 9, 12, 40), "Create SSL CA cert directory", fail, width=120, seed=415,
        after="sysadmin@localhost:~$ grep become ~/localhost.yml\nansible_become_pass: St8rlingX*\nsysadmin@localhost:~$ ",
    )


@scenario("q416")
def localhost_yml_syntax():
    def yaml_fail(line, col, problem, offending, caret):
        def fn(run, t, ctx):
            run.task("common/prepare-env", "include_vars", mod="include_vars")
            for f in ("secrets.yml", "localhost_secrets.yml", "site.yml"):
                run.out("skipping: [localhost] => (item=%s) " % stat_item("/home/sysadmin/%s" % f, False))
            msg = (
                "We were unable to read either as JSON nor YAML, these are the errors we got from each:\n"
                "JSON: Expecting value: line 1 column 1 (char 0)\n\n"
                "Syntax Error while loading YAML.\n  %s\n\n"
                "The error appears to be in '/home/sysadmin/localhost.yml': line %d, column %d, but may\n"
                "be elsewhere in the file depending on the exact syntax problem.\n\n"
                "The offending line appears to be:\n\n%s\n%s\n" % (problem, line, col, offending, caret)
            )
            run.fatal({"msg": msg})
        return fn

    first = bootstrap_run(
        dt.datetime(2024, 7, 30, 17, 3, 12), "include_vars",
        yaml_fail(11, 27, "mapping values are not allowed in this context",
                  "admin_username: admin\nadmin_password: Lab2024!st: rlingx", " " * 26 + "^ here"),
        width=120, seed=416, after="sysadmin@localhost:~$ vi localhost.yml\n",
        before="sysadmin@localhost:~$ cat localhost.yml\nsystem_mode: simplex\n\ndns_servers:\n  - 8.8.8.8\n"
               "  - 8.8.4.4\n\nexternal_oam_subnet: 10.10.10.0/24\nexternal_oam_gateway_address: 10.10.10.1\n"
               "external_oam_floating_address: 10.10.10.2\n\nadmin_username: admin\nadmin_password: Lab2024!st: rlingx\n"
               "ansible_become_pass: Lab2024!st\n",
    )
    second = bootstrap_run(
        dt.datetime(2024, 7, 30, 17, 6, 40), "include_vars",
        yaml_fail(12, 1, "found character that cannot start any token",
                  "\tansible_become_pass: Lab2024!st", "^ here"),
        width=120, seed=417,
    )
    return first + second


@scenario("q417")
def simplex_system_controller():
    return bootstrap_run(
        dt.datetime(2025, 6, 9, 13, 11, 55),
        "Validate system type and system mode if distributed cloud role is system controller",
        fail_with("A simplex All-in-one controller cannot be configured as Distributed Cloud System Controller"),
        target=10500, width=80, seed=418,
        after="sysadmin@localhost:~$ head -4 localhost.yml\n---\ndistributed_cloud_role: systemcontroller\n"
              "timezone: UTC\ndns_servers:\nsysadmin@localhost:~$ ",
    )


@scenario("q418")
def mgmt_range_required():
    return bootstrap_run(
        dt.datetime(2024, 10, 31, 20, 44, 9),
        "Fail if management start or end address is not configured for System Controller",
        fail_with("management_start_address and management_end_address are required for System Controller as this "
                  "configuration requires address space left for gateway address(es)."),
        customs={"Check format of DNS server IP(s)": dns_check_custom(["172.31.0.2", "172.31.0.3"])},
        target=12000, width=120, seed=419, prompt="sysadmin@controller-0:~$ ",
    )


@scenario("q419")
def root_disk_warning_continues():
    # the run goes on; the paste stops where the user copied it, in the middle of validate-config
    def resolv(run, t, ctx):
        run.task(t["role"], display_name(t["name"]), mod="lineinfile")
        for srv in ("192.168.1.1", "8.8.8.8"):
            run.out("changed: [localhost] => (item=%s)" % srv)
        run.counts["changed"] += 1

    return bootstrap_run(
        dt.datetime(2024, 5, 21, 11, 27, 3), "Update resolv.conf with list of dns servers", resolv,
        customs={"Check format of DNS server IP(s)": dns_check_custom(["192.168.1.1", "8.8.8.8"])},
        width=120, seed=420, target=18500, disk=("/dev/sda", 240), running=True,
    )


# ==================================================================================================
# Scenarios: sessions on the controller, the lab host, git


KP = "[sysadmin@controller-0 ~(keystone_admin)]$ "


def session(*parts):
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts)


def app_list(rows):
    return grid(["application", "version", "manifest name", "manifest file", "status", "progress"], rows)


PLATFORM_APPS = [
    ["cert-manager", "24.03-79", "cert-manager-fluxcd-manifests", "fluxcd-manifests", "applied", "completed"],
    ["nginx-ingress-controller", "24.03-64", "nginx-ingress-controller-fluxcd-manifests", "fluxcd-manifests", "applied", "completed"],
    ["oidc-auth-apps", "24.03-59", "oidc-auth-apps-fluxcd-manifests", "fluxcd-manifests", "uploaded", "completed"],
    ["platform-integ-apps", "24.03-141", "platform-integ-apps-fluxcd-manifests", "fluxcd-manifests", "applied", "completed"],
]


@scenario("q420")
def subcloud_bootstrap_failed():
    reg = "central-mirror.dc.example.com:9001"
    err = ('Logging into %s for user admin failed - 401 Client Error for http+docker://localhost/v1.41/auth: '
           'Unauthorized ("Get "https://%s/v2/": unauthorized: authentication required")' % (reg, reg))
    listing = grid(["id", "name", "management", "availability", "deploy status", "sync", "backup status", "backup datetime"],
                   [["1", "subcloud1", "unmanaged", "offline", "bootstrap-failed", "unknown", "None", "None"],
                    ["2", "subcloud2", "managed", "online", "complete", "in-sync", "None", "None"]])
    detail = (
        "FAILED bootstrapping playbook of (subcloud1).\n"
        " detail: fatal: [subcloud1]: FAILED! => changed=false \n"
        "  msg:\n"
        "  - Failed to log in one of the registry. Please check if docker_registries parameter\n"
        "  - \"is properly configured in bootstrap overrides yaml file and docker registry certificate (where \"\n"
        "  - applicable) is valid.\n"
        "  - Err_code= images_download_failure\n"
        "  - \"Possible failures: |%s\" \n"
        "FAILED TASK: TASK [common/push-docker-images : Display registry login error] **************************\n"
        "Friday 12 July 2024  14:03:27 +0000 (0:00:00.031)       0:14:51.422 *********** " % err.replace("'", '"')
    )
    show = grid(["Field", "Value"], [
        ["id", "1"], ["name", "subcloud1"], ["description", "None"], ["location", "None"],
        ["software_version", "24.03"], ["management", "unmanaged"], ["availability", "offline"],
        ["deploy_status", "bootstrap-failed"], ["management_subnet", "192.168.101.0/24"],
        ["management_start_ip", "192.168.101.2"], ["management_end_ip", "192.168.101.50"],
        ["management_gateway_ip", "192.168.101.1"], ["systemcontroller_gateway_ip", "192.168.204.101"],
        ["group_id", "1"], ["peer_group_id", "None"], ["created_at", "2024-07-12 13:44:02.118365"],
        ["updated_at", "2024-07-12 14:03:31.902114"], ["backup_status", "None"], ["backup_datetime", "None"],
        ["prestage_status", "None"], ["prestage_versions", "None"]])

    def fail(run, t, ctx):
        run.task("common/push-docker-images", "Display registry login error", mod="fail")
        run.fatal({"changed": False, "msg": [
            "Failed to log in one of the registry. Please check if docker_registries parameter",
            "is properly configured in bootstrap overrides yaml file and docker registry certificate (where ",
            "applicable) is valid.", "Err_code= images_download_failure", "Possible failures: |" + err]})

    def login(run, t, ctx):
        run.task("common/push-docker-images", display_name(t["name"]), duration=run.rng.uniform(30, 60), mod="docker_login")
        run.out("ok: [localhost] => (item=None)")
        run.counts["ok"] += 1

    tail = bootstrap_run(dt.datetime(2024, 7, 12, 13, 48, 36), "Display registry login error", fail,
                         customs={"Log in k8s, gcr, quay, ghcr, registryk8s, icr docker registries if credentials exist": login},
                         target=6500, width=100, seed=421, after="").replace("[localhost]", "[subcloud1]")
    return session(
        KP + "dcmanager subcloud list", listing,
        KP + "dcmanager subcloud errors subcloud1", detail,
        KP + "dcmanager subcloud show subcloud1", show,
        KP + "sudo tail -n 120 /var/log/dcmanager/ansible/subcloud1_playbook_output.log", "Password: ",
        tail.rstrip("\n"), KP,
    )


def describe_pod(name, ns, node_selector, message, age="47m", image="docker.io/openstackhelm/mariadb:latest-ubuntu_focal"):
    return "\n".join([
        "Name:                 %s" % name,
        "Namespace:            %s" % ns,
        "Priority:             0",
        "Service Account:      %s" % name.rsplit("-", 1)[0],
        "Node:                 <none>",
        "Labels:               application=mariadb",
        "                      component=server",
        "                      controller-revision-hash=mariadb-server-7c9bd6f5d8",
        "                      release_group=osh-openstack-mariadb",
        "                      statefulset.kubernetes.io/pod-name=%s" % name,
        "Annotations:          configmap-bin-hash: 0f1b8e44a7c3d21a9e6b5f2c8d1e0a3b47c6d9e2f5a8b1c4d7e0f3a6b9c2d5e8",
        "                      configmap-etc-hash: 9d2e5f8a1b4c7d0e3f6a9b2c5d8e1f4a7b0c3d6e9f2a5b8c1d4e7f0a3b6c9d2e",
        "Status:               Pending",
        "IP:                   ",
        "IPs:                  <none>",
        "Controlled By:        StatefulSet/mariadb-server",
        "Init Containers:",
        "  init:",
        "    Image:      registry.local:9001/quay.io/airshipit/kubernetes-entrypoint:v1.0.0",
        "    Port:       <none>",
        "    Host Port:  <none>",
        "    Command:",
        "      kubernetes-entrypoint",
        "    Environment:",
        "      POD_NAME:                    %s (v1:metadata.name)" % name,
        "      NAMESPACE:                   %s (v1:metadata.namespace)" % ns,
        "      INTERFACE_NAME:              eth0",
        "      DEPENDENCY_SERVICE:          ",
        "    Mounts:",
        "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-8x7kq (ro)",
        "Containers:",
        "  mariadb:",
        "    Image:       registry.local:9001/%s" % image,
        "    Ports:       3306/TCP, 4567/TCP, 4568/TCP, 4444/TCP",
        "    Host Ports:  0/TCP, 0/TCP, 0/TCP, 0/TCP",
        "    Command:",
        "      /tmp/start.py",
        "    Limits:",
        "      memory:  4Gi",
        "    Requests:",
        "      cpu:      100m",
        "      memory:   1Gi",
        "    Readiness:  exec [/tmp/readiness.sh] delay=30s timeout=15s period=30s #success=1 #failure=3",
        "    Environment:",
        "      MARIADB_REPLICAS:     1",
        "      POD_NAME_PREFIX:      mariadb-server",
        "      DISCOVERY_DOMAIN:     mariadb-discovery.openstack.svc.cluster.local",
        "    Mounts:",
        "      /etc/mysql/admin_user.cnf from mariadb-secrets (ro,path=\"admin_user.cnf\")",
        "      /var/lib/mysql from mysql-data (rw)",
        "Conditions:",
        "  Type           Status",
        "  PodScheduled   False ",
        "Volumes:",
        "  mysql-data:",
        "    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        "    ClaimName:  mysql-data-%s" % name,
        "    ReadOnly:   false",
        "QoS Class:                   Burstable",
        "Node-Selectors:              %s" % node_selector,
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
        "Events:",
        "  Type     Reason            Age                   From               Message",
        "  ----     ------            ----                  ----               -------",
        "  Warning  FailedScheduling  3m12s (x15 over %s)  default-scheduler  %s" % (age, message),
    ])


OPENSTACK_PODS_HDR = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]


@scenario("q421")
def openstack_insufficient_memory():
    apps1 = app_list(PLATFORM_APPS + [["stx-openstack", "24.03-0", "stx-openstack-fluxcd-manifests", "fluxcd-manifests",
                                        "applying", "processing chart: osh-openstack-\nmariadb, overall completion:\n42.0%"]])
    apps2 = app_list(PLATFORM_APPS + [["stx-openstack", "24.03-0", "stx-openstack-fluxcd-manifests", "fluxcd-manifests",
                                        "apply-failed", "operation aborted, check system\ninventory logs for details"]])
    pods = kubectl_table(OPENSTACK_PODS_HDR, [
        ["ingress-7c7fb9d6b8-9lq4m", "1/1", "Running", "0", "52m"],
        ["ingress-error-pages-6c5c8cdfd5-qk2xg", "1/1", "Running", "0", "52m"],
        ["mariadb-ingress-5bd8c8b86f-vw7tz", "1/1", "Running", "0", "49m"],
        ["mariadb-ingress-error-pages-76f9d86d7d-hpjkn", "1/1", "Running", "0", "49m"],
        ["mariadb-server-0", "0/1", "Pending", "0", "49m"],
        ["osh-openstack-memcached-memcached-5f5f7c8b59-h7m2x", "1/1", "Running", "0", "50m"],
        ["rabbitmq-rabbitmq-0", "0/1", "Pending", "0", "49m"],
        ["rabbitmq-cluster-wait-8bn4k", "0/1", "Init:0/1", "0", "49m"],
    ])
    alarms = fm_alarm_list([
        ("750.002", "Application Apply Failure", "k8s_application=stx-openstack", "major", "2024-06-18T15:02:44.215093"),
        ("100.114", "NTP address 162.159.200.123 is not a valid or a reachable NTP server.", "host=controller-0.ntp=162.159.200.123", "minor", "2024-06-18T13:20:09.118242"),
    ], term_width=140)
    free = ("               total        used        free      shared  buff/cache   available\n"
            "Mem:           15979       13811         544         112        1623        1719\n"
            "Swap:              0           0           0")
    return session(
        KP + "system application-list", apps1,
        KP + "kubectl get pods -n openstack", pods,
        KP + "kubectl describe pod mariadb-server-0 -n openstack",
        describe_pod("mariadb-server-0", "openstack", "openstack-control-plane=enabled",
                     "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No "
                     "preemption victims found for incoming pod."),
        KP + "free -m", free,
        KP + "system application-list", apps2,
        KP + "fm alarm-list", alarms,
        KP,
    )


@scenario("q422")
def openstack_missing_labels():
    pods = kubectl_table(OPENSTACK_PODS_HDR, [
        ["ingress-7c7fb9d6b8-p2nxd", "0/1", "Pending", "0", "31m"],
        ["ingress-error-pages-6c5c8cdfd5-m8h4c", "0/1", "Pending", "0", "31m"],
        ["mariadb-ingress-5bd8c8b86f-2jr6w", "0/1", "Pending", "0", "30m"],
        ["mariadb-server-0", "0/1", "Pending", "0", "30m"],
        ["osh-openstack-memcached-memcached-5f5f7c8b59-xq9vt", "0/1", "Pending", "0", "30m"],
        ["rabbitmq-rabbitmq-0", "0/1", "Pending", "0", "30m"],
    ])
    labels = grid(["hostname", "label key", "label value"], [["controller-0", "kube-topology-mgr-policy", "best-effort"]])
    apps = app_list(PLATFORM_APPS + [["stx-openstack", "24.03-0", "stx-openstack-fluxcd-manifests", "fluxcd-manifests",
                                       "applying", "processing chart: osh-openstack-\ningress, overall completion:\n14.0%"]])
    hosts = grid(["id", "hostname", "personality", "administrative", "operational", "availability"],
                 [["1", "controller-0", "controller", "unlocked", "enabled", "available"]])
    return session(
        KP + "system host-list", hosts,
        KP + "system application-list", apps,
        KP + "kubectl get pods -n openstack", pods,
        KP + "kubectl describe pod mariadb-server-0 -n openstack",
        describe_pod("mariadb-server-0", "openstack", "openstack-control-plane=enabled",
                     "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 "
                     "nodes are available: 1 Preemption is not helpful for scheduling.", age="30m"),
        KP + "system host-label-list controller-0", labels,
        KP + "kubectl get nodes --show-labels | tr ',' '\\n' | grep -i openstack",
        KP,
    )


LAB = "user@stx-lab:~/virtual-deployment/libvirt$ "


def apt_install(pkgs):
    out = ["Reading package lists... Done", "Building dependency tree... Done", "Reading state information... Done"]
    for p in pkgs:
        out.append("%s is already the newest version (%s)." % (p[0], p[1]))
    out.append("0 upgraded, 0 newly installed, 0 to remove and 27 not upgraded.")
    return "\n".join(out)


@scenario("q423")
def virt_manager_display():
    lab = "stx@ubuntu-lab:~/virtual-deployment/libvirt$ "
    qimg = ("Formatting '/var/lib/libvirt/images/simplex-controller-0-%d.img', fmt=qcow2 cluster_size=65536 "
            "extended_l2=off compression_type=zlib size=%d lazy_refcounts=off refcount_bits=16")
    return session(
        "stx@ubuntu-lab:~$ sudo apt-get install -y virt-manager libvirt-daemon-system libvirt-clients qemu-kvm "
        "bridge-utils apparmor-profiles",
        "[sudo] password for stx: ",
        apt_install([("virt-manager", "1:4.0.0-1"), ("libvirt-daemon-system", "8.0.0-1ubuntu7.10"),
                     ("libvirt-clients", "8.0.0-1ubuntu7.10"), ("qemu-system-x86", "1:6.2+dfsg-2ubuntu6.22"),
                     ("bridge-utils", "1.7-1ubuntu3"), ("apparmor-profiles", "3.0.4-2ubuntu2.4")]),
        "stx@ubuntu-lab:~$ git clone https://opendev.org/starlingx/virtual-deployment.git",
        "Cloning into 'virtual-deployment'...",
        "remote: Enumerating objects: 1347, done.",
        "remote: Counting objects: 100% (1347/1347), done.",
        "remote: Compressing objects: 100% (611/611), done.",
        "remote: Total 1347 (delta 781), reused 1215 (delta 690), pack-reused 0",
        "Receiving objects: 100% (1347/1347), 288.51 KiB | 1.94 MiB/s, done.",
        "Resolving deltas: 100% (781/781), done.",
        "stx@ubuntu-lab:~$ cd virtual-deployment/libvirt",
        lab + "bash install_packages.sh",
        apt_install([("virt-manager", "1:4.0.0-1"), ("qemu-system-x86", "1:6.2+dfsg-2ubuntu6.22"),
                     ("libvirt-daemon-system", "8.0.0-1ubuntu7.10"), ("virtinst", "1:4.0.0-1")]),
        "Synchronizing state of libvirtd.service with SysV service script with /lib/systemd/systemd-sysv-install.",
        "Executing: /lib/systemd/systemd-sysv-install enable libvirtd",
        lab + "sudo apt install -y apparmor-profiles",
        apt_install([("apparmor-profiles", "3.0.4-2ubuntu2.4")]),
        lab + "sudo ufw disable",
        "Firewall stopped and disabled on system startup",
        lab + "sudo ufw status",
        "Status: inactive",
        lab + "bash setup_network.sh",
        lab + "ip -br addr show | grep stxbr",
        "stxbr1           DOWN           10.10.10.1/24 ",
        "stxbr2           DOWN           ",
        "stxbr3           DOWN           ",
        "stxbr4           DOWN           ",
        lab + "ls -lh /var/lib/libvirt/images/",
        "total 2.3G",
        "-rw-r--r-- 1 libvirt-qemu kvm 2.3G Mar 11 09:02 bootimage.iso",
        lab + "bash setup_configuration.sh -c simplex -i /var/lib/libvirt/images/bootimage.iso",
        qimg % (0, 644245094400),
        qimg % (1, 214748364800),
        qimg % (2, 214748364800),
        "Domain 'simplex-controller-0' defined from vms/simplex-controller-0.xml",
        "",
        "Domain 'simplex-controller-0' started",
        "",
        "Unable to init server: Could not connect: Connection refused",
        "Unable to init server: Could not connect: Connection refused",
        "",
        "(virt-manager:38211): Gtk-WARNING **: 09:14:52.318: cannot open display: ",
        lab + "echo $DISPLAY",
        "",
        lab + "sudo virsh list --all",
        " Id   Name                   State",
        "--------------------------------------",
        " 1    simplex-controller-0   running",
        "",
        lab + "sudo virsh dominfo simplex-controller-0",
        "Id:             1",
        "Name:           simplex-controller-0",
        "UUID:           4b6f1f1e-2a5c-4d9e-8f31-0c7a2d5e9b14",
        "OS Type:        hvm",
        "State:          running",
        "CPU(s):         6",
        "CPU time:       41.2s",
        "Max memory:     18874368 KiB",
        "Used memory:    18874368 KiB",
        "Persistent:     yes",
        "Autostart:      disable",
        "Managed save:   no",
        "Security model: apparmor",
        "Security DOI:   0",
        "Security label: libvirt-4b6f1f1e-2a5c-4d9e-8f31-0c7a2d5e9b14 (enforcing)",
        "",
        lab,
    )


@scenario("q424")
def iso_permission_denied():
    lab = "maria@devbox:~/virtual-deployment/libvirt$ "
    iso = "/home/maria/Downloads/starlingx-intel-x86-64-cd.iso"
    uuid = "9f3c2b71-0e4d-4a8b-b6d2-5c1e7a9f0d38"
    qimg = ("Formatting '/var/lib/libvirt/images/simplex-controller-0-%d.img', fmt=qcow2 cluster_size=65536 "
            "extended_l2=off compression_type=zlib size=%d lazy_refcounts=off refcount_bits=16")
    journal = []
    t0 = dt.datetime(2024, 3, 11, 14, 12, 51)
    for k, (unit, pid, msg) in enumerate([
        ("libvirtd", 1187, "libvirt version: 8.0.0, package: 1ubuntu7.10 (Marc Deslauriers <marc.deslauriers@ubuntu.com> Wed, 17 Apr 2024 10:04:11 -0400)"),
        ("libvirtd", 1187, "hostname: devbox"),
        ("libvirtd", 1187, "internal error: qemu unexpectedly closed the monitor: 2024-03-11T14:12:55.127113Z qemu-system-x86_64: -blockdev {\"driver\":\"file\",\"filename\":\"%s\",\"node-name\":\"libvirt-1-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}: Could not open '%s': Permission denied" % (iso, iso)),
        ("libvirtd", 1187, "Unable to read from monitor: Connection reset by peer"),
    ]):
        stamp = (t0 + dt.timedelta(seconds=4 * k)).strftime("%b %d %H:%M:%S")
        journal.append("%s devbox %s[%d]: %s" % (stamp, unit, pid, msg))
    return session(
        lab + "bash setup_configuration.sh -c simplex -i ~/Downloads/starlingx-intel-x86-64-cd.iso",
        qimg % (0, 644245094400), qimg % (1, 214748364800), qimg % (2, 214748364800),
        "Domain 'simplex-controller-0' defined from vms/simplex-controller-0.xml",
        "",
        "error: Failed to start domain 'simplex-controller-0'",
        "error: internal error: process exited while connecting to monitor: 2024-03-11T14:12:55.127113Z "
        "qemu-system-x86_64: -blockdev {\"driver\":\"file\",\"filename\":\"%s\",\"node-name\":\"libvirt-1-storage\","
        "\"auto-read-only\":true,\"discard\":\"unmap\"}: Could not open '%s': Permission denied" % (iso, iso),
        "",
        lab + "sudo virsh list --all",
        " Id   Name                   State",
        "---------------------------------------",
        " -    simplex-controller-0   shut off",
        "",
        lab + "ls -l ~/Downloads/starlingx-intel-x86-64-cd.iso",
        "-rw-rw-r-- 1 maria maria 2466250752 Mar 11 13:58 %s" % iso,
        lab + "sudo journalctl -u libvirtd --since '10 min ago' --no-pager",
        "-- Logs begin at Mon 2024-03-04 08:12:01 CET, end at Mon 2024-03-11 15:13:20 CET. --",
        "\n".join(journal),
        lab + "sudo dmesg | tail -n 6",
        "[41822.118702] virbr0: port 1(vnet3) entered disabled state",
        "[41822.121356] device vnet3 left promiscuous mode",
        "[41822.121371] virbr0: port 1(vnet3) entered disabled state",
        "[42156.902134] audit: type=1400 audit(1710166375.121:412): apparmor=\"STATUS\" operation=\"profile_load\" "
        "profile=\"unconfined\" name=\"libvirt-%s\" pid=51872 comm=\"apparmor_parser\"" % uuid,
        "[42157.331082] audit: type=1400 audit(1710166375.549:413): apparmor=\"DENIED\" operation=\"open\" "
        "profile=\"libvirt-%s\" name=\"%s\" pid=51881 comm=\"qemu-system-x86\" requested_mask=\"r\" "
        "denied_mask=\"r\" fsuid=64055 ouid=1000" % (uuid, iso),
        "[42157.402215] audit: type=1400 audit(1710166375.620:414): apparmor=\"STATUS\" operation=\"profile_remove\" "
        "profile=\"unconfined\" name=\"libvirt-%s\" pid=51890 comm=\"apparmor_parser\"" % uuid,
        lab + "groups",
        "maria adm cdrom sudo dip plugdev lpadmin lxd sambashare libvirt kvm",
        lab + "namei -l %s" % iso,
        "f: %s" % iso,
        "drwxr-xr-x root  root  /",
        "drwxr-xr-x root  root  home",
        "drwxr-x--- maria maria maria",
        "drwxr-xr-x maria maria Downloads",
        "-rw-rw-r-- maria maria starlingx-intel-x86-64-cd.iso",
        lab + "sudo virsh dumpxml simplex-controller-0 | grep -B2 -A4 cdrom",
        "    <disk type='file' device='cdrom'>",
        "      <driver name='qemu' type='raw'/>",
        "      <source file='%s'/>" % iso,
        "      <target dev='sdd' bus='sata'/>",
        "      <readonly/>",
        "      <address type='drive' controller='0' bus='0' target='0' unit='3'/>",
        "    </disk>",
        lab + "grep -E '^(user|group|security_driver)' /etc/libvirt/qemu.conf",
        lab + "sudo virsh start simplex-controller-0",
        "error: Failed to start domain 'simplex-controller-0'",
        "error: internal error: process exited while connecting to monitor: 2024-03-11T14:19:02.883190Z "
        "qemu-system-x86_64: -blockdev {\"driver\":\"file\",\"filename\":\"%s\",\"node-name\":\"libvirt-1-storage\","
        "\"auto-read-only\":true,\"discard\":\"unmap\"}: Could not open '%s': Permission denied" % (iso, iso),
        "",
        lab,
    )


@scenario("q425")
def mtu_stxbr1_after_reboot():
    lab = "dev@stxhost:~/virtual-deployment/libvirt$ "
    return session(
        "dev@stxhost:~$ uptime",
        " 08:41:07 up 6 min,  1 user,  load average: 0.31, 0.52, 0.27",
        "dev@stxhost:~$ cd virtual-deployment/libvirt/",
        lab + "sudo virsh list --all",
        "[sudo] password for dev: ",
        " Id   Name                   State",
        "---------------------------------------",
        " -    simplex-controller-0   shut off",
        "",
        lab + "sudo virsh start simplex-controller-0",
        "error: Failed to start domain 'simplex-controller-0'",
        "error: Cannot get interface MTU on 'stxbr1': No such device",
        "",
        lab + "sudo virsh net-list --all",
        " Name      State      Autostart   Persistent",
        "----------------------------------------------",
        " default   active     yes         yes",
        "",
        lab + "ip -br link",
        "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> ",
        "eno1             UP             3c:ec:ef:12:9a:40 <BROADCAST,MULTICAST,UP,LOWER_UP> ",
        "wlp0s20f3        DOWN           a4:6b:b6:2e:71:d5 <NO-CARRIER,BROADCAST,MULTICAST,UP> ",
        "virbr0           DOWN           52:54:00:7d:1c:a2 <NO-CARRIER,BROADCAST,MULTICAST,UP> ",
        "docker0          DOWN           02:42:5e:c1:0b:77 <NO-CARRIER,BROADCAST,MULTICAST,UP> ",
        lab + "sudo virsh dumpxml simplex-controller-0 | grep -A3 \"interface type='bridge'\"",
        "    <interface type='bridge'>",
        "      <mac address='52:54:00:3a:11:01'/>",
        "      <source bridge='stxbr1'/>",
        "      <model type='e1000'/>",
        "--",
        "    <interface type='bridge'>",
        "      <mac address='52:54:00:3a:11:02'/>",
        "      <source bridge='stxbr2'/>",
        "      <model type='e1000'/>",
        "--",
        "    <interface type='bridge'>",
        "      <mac address='52:54:00:3a:11:03'/>",
        "      <source bridge='stxbr3'/>",
        "      <model type='virtio'/>",
        "--",
        "    <interface type='bridge'>",
        "      <mac address='52:54:00:3a:11:04'/>",
        "      <source bridge='stxbr4'/>",
        "      <model type='virtio'/>",
        lab + "sudo journalctl -b -u libvirtd --no-pager | tail -n 8",
        "Jun 04 08:35:12 stxhost systemd[1]: Starting Virtualization daemon...",
        "Jun 04 08:35:13 stxhost systemd[1]: Started Virtualization daemon.",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: started, version 2.90 cachesize 150",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: compile time options: IPv6 GNU-getopt DBus no-UBus i18n IDN2 DHCP DHCPv6 no-Lua TFTP conntrack ipset no-nftset auth cryptohash DNSSEC loop-detect inotify dumpfile",
        "Jun 04 08:35:14 stxhost dnsmasq-dhcp[1402]: DHCP, IP range 192.168.122.2 -- 192.168.122.254, lease time 1h",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: reading /etc/resolv.conf",
        "Jun 04 08:40:58 stxhost libvirtd[1188]: Cannot get interface MTU on 'stxbr1': No such device",
        "Jun 04 08:40:58 stxhost libvirtd[1188]: internal error: Failed to start domain 'simplex-controller-0'",
        lab + "sysctl net.ipv4.ip_forward",
        "net.ipv4.ip_forward = 1",
        lab + "systemctl status libvirtd --no-pager",
        "\u25cf libvirtd.service - Virtualization daemon",
        "     Loaded: loaded (/lib/systemd/system/libvirtd.service; enabled; vendor preset: enabled)",
        "     Active: active (running) since Tue 2024-06-04 08:35:13 CEST; 6min ago",
        "TriggeredBy: \u25cf libvirtd-admin.socket",
        "             \u25cf libvirtd.socket",
        "             \u25cf libvirtd-ro.socket",
        "       Docs: man:libvirtd(8)",
        "             https://libvirt.org",
        "   Main PID: 1188 (libvirtd)",
        "      Tasks: 21 (limit: 32768)",
        "     Memory: 31.6M",
        "        CPU: 912ms",
        "     CGroup: /system.slice/libvirtd.service",
        "             \u251c\u25001188 /usr/sbin/libvirtd",
        "             \u251c\u25001402 /usr/sbin/dnsmasq --conf-file=/var/lib/libvirt/dnsmasq/default.conf --leasefile-ro --dhcp-script=/usr/lib/libvirt/libvirt_leaseshelper",
        "             \u2514\u25001403 /usr/sbin/dnsmasq --conf-file=/var/lib/libvirt/dnsmasq/default.conf --leasefile-ro --dhcp-script=/usr/lib/libvirt/libvirt_leaseshelper",
        "",
        "Jun 04 08:35:12 stxhost systemd[1]: Starting Virtualization daemon...",
        "Jun 04 08:35:13 stxhost systemd[1]: Started Virtualization daemon.",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: started, version 2.90 cachesize 150",
        "Jun 04 08:35:14 stxhost dnsmasq-dhcp[1402]: DHCP, IP range 192.168.122.2 -- 192.168.122.254, lease time 1h",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: using nameserver 127.0.0.53#53",
        "Jun 04 08:35:14 stxhost dnsmasq[1402]: read /etc/hosts - 8 names",
        "Jun 04 08:40:58 stxhost libvirtd[1188]: Cannot get interface MTU on 'stxbr1': No such device",
        "Jun 04 08:40:58 stxhost libvirtd[1188]: internal error: Failed to start domain 'simplex-controller-0'",
        lab + "ls",
        "README.md  controller.xml  controller_allinone.xml  destroy_configuration.sh  destroy_network.sh  functions.sh",
        "install_packages.sh  setup_configuration.sh  setup_network.sh  storage.xml  vms  worker.xml",
        lab,
    )


@scenario("q426")
def gerrit_missing_change_id():
    dev = "kenji@ws01:~/src/docs$ "
    sphinx = [
        "docs: commands[0]> sphinx-build -a -E -W --keep-going -d doc/build/doctrees -t starlingx -t openstack -b html doc/source doc/build/html",
        "Running Sphinx v7.2.6",
        "making output directory... done",
        "[openstackdocstheme] version: 3.2.0",
        "[openstackdocstheme] connecting html-page-context event handler",
        "loading intersphinx inventory from https://docs.python.org/3/objects.inv...",
        "building [mo]: all of 0 po files",
        "writing output...",
        "building [html]: all of 2481 source files",
        "updating environment: [new config] 2481 added, 0 changed, 0 removed",
        "reading sources... [  5%] admintasks/kubernetes/about-the-admin-tutorials-8b5b7df2c3b0",
        "reading sources... [ 25%] deploy_install_guides/release/bare_metal/aio_duplex_install_kubernetes",
        "reading sources... [ 50%] fault-mgmt/kubernetes/200-series-alarm-messages-starlingx",
        "reading sources... [ 75%] system_configuration/kubernetes/change-the-registry-url",
        "reading sources... [100%] usertasks/kubernetes/using-an-image-from-the-local-docker-registry-in-a-container-spec",
        "/home/kenji/src/docs/doc/source/deploy_install_guides/release/virtual/aio_simplex_install_kubernetes.rst:212: WARNING: Title underline too short.",
        "",
        "Configure controller-0",
        "*********************",
        "looking for now-outdated files... none found",
        "pickling environment... done",
        "checking consistency... done",
        "preparing documents... done",
        "copying assets... done",
        "writing output... [ 50%] deploy_install_guides/release/virtual/aio_simplex_install_kubernetes",
        "writing output... [100%] usertasks/kubernetes/using-an-image-from-the-local-docker-registry-in-a-container-spec",
        "generating indices... genindex done",
        "writing additional pages... search done",
        "dumping search index in English (code: en)... done",
        "dumping object inventory... done",
        "build finished with problems, 1 warning.",
        "docs: exit 1 (412.88 seconds) /home/kenji/src/docs> sphinx-build -a -E -W --keep-going -d doc/build/doctrees -t starlingx -t openstack -b html doc/source doc/build/html pid=48211",
        "  docs: FAIL code 1 (418.31=setup[5.43]+cmd[412.88] seconds)",
        "  evaluation failed :( (418.60 seconds)",
    ]
    return session(
        dev + "git checkout -b fix-aio-sx-title",
        "Switched to a new branch 'fix-aio-sx-title'",
        dev + "vi doc/source/deploy_install_guides/release/virtual/aio_simplex_install_kubernetes.rst",
        dev + "tox -e docs",
        "docs: install_deps> python -I -m pip install -r /home/kenji/src/docs/doc/requirements.txt",
        "\n".join(sphinx),
        dev + "vi doc/source/deploy_install_guides/release/virtual/aio_simplex_install_kubernetes.rst",
        dev + "tox -e docs 2>&1 | tail -n 3",
        "dumping object inventory... done",
        "build succeeded.",
        "  docs: OK (401.02=setup[0.61]+cmd[400.41] seconds)",
        dev + "git add -A",
        dev + "git commit -s -m \"Fix title underline in AIO-SX virtual install guide\"",
        "[fix-aio-sx-title 8c41e0f] Fix title underline in AIO-SX virtual install guide",
        " 1 file changed, 2 insertions(+), 2 deletions(-)",
        dev + "git remote -v",
        "origin\thttps://opendev.org/starlingx/docs.git (fetch)",
        "origin\thttps://opendev.org/starlingx/docs.git (push)",
        dev + "git remote add gerrit ssh://kenji@review.opendev.org:29418/starlingx/docs.git",
        dev + "git push gerrit HEAD:refs/for/master",
        "Enumerating objects: 15, done.",
        "Counting objects: 100% (15/15), done.",
        "Delta compression using up to 12 threads",
        "Compressing objects: 100% (8/8), done.",
        "Writing objects: 100% (8/8), 771 bytes | 771.00 KiB/s, done.",
        "Total 8 (delta 6), reused 0 (delta 0), pack-reused 0",
        "remote: Processing changes: refs: 1, done    ",
        "remote: ERROR: commit 8c41e0f: missing Change-Id in message footer",
        "remote: ",
        "remote: Hint: to automatically insert a Change-Id, install the hook:",
        "remote:   gitdir=$(git rev-parse --git-dir); scp -p -P 29418 kenji@review.opendev.org:hooks/commit-msg ${gitdir}/hooks/",
        "remote: or, for http(s):",
        "remote:   f=\"$(git rev-parse --git-dir)/hooks/commit-msg\"; curl -o \"$f\" https://review.opendev.org/tools/hooks/commit-msg ; chmod +x \"$f\"",
        "remote: and then amend the commit:",
        "remote:   git commit --amend --no-edit",
        "remote: Finally, push your changes again",
        "remote: ",
        "To ssh://review.opendev.org:29418/starlingx/docs.git",
        " ! [remote rejected]   HEAD -> refs/for/master (commit 8c41e0f: missing Change-Id in message footer)",
        "error: failed to push some refs to 'ssh://review.opendev.org:29418/starlingx/docs.git'",
        dev + "git log -1",
        "commit 8c41e0f6d2a93b7715c0e4f8a1d2b3c9e7f60a51 (HEAD -> fix-aio-sx-title)",
        "Author: Kenji Sato <kenji.sato@example.jp>",
        "Date:   Thu Oct 17 11:42:08 2024 +0900",
        "",
        "    Fix title underline in AIO-SX virtual install guide",
        "    ",
        "    Signed-off-by: Kenji Sato <kenji.sato@example.jp>",
        dev,
    )


def disk_list(rows):
    return grid(["uuid", "device_node", "device_num", "device_type", "size_gib", "available_gib", "rpm", "serial_id",
                 "device_path"], rows)


@scenario("q427")
def unlock_refused_no_osd():
    disks = disk_list([
        ["7e1f3b0c-54d2-4a8e-9f61-2b7c0d9e5a14", "/dev/sda", "2048", "HDD", "600.0", "0.0", "Undetermined", "QM00001", "/dev/disk/by-path/pci-0000:00:1f.2-ata-1.0"],
        ["c2a95d47-0b8e-4f13-a6d2-91e7f4b3c058", "/dev/sdb", "2064", "HDD", "200.0", "199.997", "Undetermined", "QM00002", "/dev/disk/by-path/pci-0000:00:1f.2-ata-2.0"],
        ["58d0e6a1-7c3f-4b29-8e4d-0f6a2c9b1d73", "/dev/sdc", "2080", "HDD", "200.0", "199.997", "Undetermined", "QM00003", "/dev/disk/by-path/pci-0000:00:1f.2-ata-3.0"],
    ])
    iflist = grid(["uuid", "name", "class", "type", "vlan id", "ports", "uses i/f", "used by i/f", "attributes"], [
        ["0b2d6f8e-3a41-4c97-b5e0-7d1f9a2c4e63", "enp7s1", "platform", "ethernet", "None", "['enp7s1']", "[]", "[]", "MTU=1500"],
        ["5e9c1a70-8d24-4f3b-a6e1-2c0b7d9f4a85", "lo", "platform", "virtual", "None", "[]", "[]", "[]", "MTU=1500"],
        ["a71f4c2d-90e8-4b56-8d3a-6f2e1c7b0d94", "enp7s2", "None", "ethernet", "None", "['enp7s2']", "[]", "[]", "MTU=1500"],
    ])
    backend = grid(["uuid", "name", "backend", "state", "task", "services", "capabilities"], [
        ["3d9e0a21-6f4b-4c87-b1d5-8e2a7f0c9b36", "ceph-store", "ceph", "configuring", "None", "None",
         "min_replication: 1\nreplication: 1"]])
    hosts = grid(["id", "hostname", "personality", "administrative", "operational", "availability"],
                 [["1", "controller-0", "controller", "locked", "disabled", "online"]])
    alarms = fm_alarm_list([
        ("200.001", "controller-0 was administratively locked to take it out-of-service.", "host=controller-0",
         "warning", "2024-09-24T10:05:31.640283"),
    ], term_width=120)
    return session(
        KP + "system host-if-list -a controller-0", iflist,
        KP + "system interface-network-list controller-0",
        grid(["hostname", "uuid", "ifname", "network_name"], [
            ["controller-0", "42b8e1d0-6a3c-4f29-9e57-1d0c8b6a2f74", "enp7s1", "oam"],
            ["controller-0", "9c7a5e13-2f80-4db6-a3e1-6b4d0f2c8a59", "lo", "mgmt"],
            ["controller-0", "e1d6f0a3-7b92-4c58-8f14-3a9e2d6b0c71", "lo", "cluster-host"]]),
        KP + "system ntp-modify ntpservers=0.pool.ntp.org,1.pool.ntp.org",
        grid(["Property", "Value"], [["uuid", "b7c3e9a1-4d60-4f28-9a15-0e6d2c8b3f47"],
                                      ["ntpservers", "0.pool.ntp.org,1.pool.ntp.org"],
                                      ["isystem_uuid", "2e8f4a6c-1b97-4d35-8c02-7f5a3e9d1b60"],
                                      ["created_at", "2024-09-24T09:58:12.774106+00:00"],
                                      ["updated_at", "None"]]),
        KP + "system storage-backend-add ceph --confirmed",
        "",
        "System configuration has changed.",
        "Please follow the administrator guide to complete configuring the system.",
        "",
        backend,
        KP + "system host-disk-list controller-0", disks,
        KP + "system host-unlock controller-0",
        "Can not unlock node until at least 1 osd stor is configured for tier 'storage'.",
        KP + "system host-list", hosts,
        KP + "fm alarm-list", alarms,
        KP + "system host-stor-list controller-0",
        "",
        KP + "system storage-backend-list",
        grid(["uuid", "name", "backend", "state", "task", "services", "capabilities"], [
            ["3d9e0a21-6f4b-4c87-b1d5-8e2a7f0c9b36", "ceph-store", "ceph", "configuring", "None", "None",
             "min_replication: 1\nreplication: 1"]]),
        KP,
    )


@scenario("q428")
def interface_not_found_virtualbox():
    iflist = grid(["uuid", "name", "class", "type", "vlan id", "ports", "uses i/f", "used by i/f", "attributes"], [
        ["1f0c7a92-5e3b-4d84-a6f1-9c2e0b7d3a58", "enp0s3", "None", "ethernet", "None", "['enp0s3']", "[]", "[]", "MTU=1500"],
        ["6a3e9d05-2c71-4f8b-b0e4-8d1f5c2a7e96", "enp0s8", "None", "ethernet", "None", "['enp0s8']", "[]", "[]", "MTU=1500"],
        ["b48d2f61-9a07-4e3c-85d1-0f7c3e6b9a24", "enp0s9", "None", "ethernet", "None", "['enp0s9']", "[]", "[]", "MTU=1500"],
        ["d07e5b3a-1c86-4f92-a3d0-6e9b2f4c8a17", "lo", "platform", "virtual", "None", "[]", "[]", "[]", "MTU=1500"],
    ])
    ports = grid(["uuid", "name", "type", "pci address", "device", "processor", "accelerated", "device type"], [
        ["0c8e4a17-3f92-4b6d-a5e0-1d7c9f2b6e83", "enp0s3", "ethernet", "0000:00:03.0", "0", "0", "False", "82540EM Gigabit Ethernet Controller [100e]"],
        ["7f2a9c50-e4b1-4d38-96c7-3a0e5d1f8b24", "enp0s8", "ethernet", "0000:00:08.0", "0", "0", "False", "82540EM Gigabit Ethernet Controller [100e]"],
        ["c91d3e6b-0a74-4f25-b8e1-5c2d9a7f0e36", "enp0s9", "ethernet", "0000:00:09.0", "0", "0", "False", "82540EM Gigabit Ethernet Controller [100e]"],
    ])
    return session(
        "sysadmin@controller-0:~$ source /etc/platform/openrc",
        KP + "system host-list",
        grid(["id", "hostname", "personality", "administrative", "operational", "availability"],
             [["1", "controller-0", "controller", "locked", "disabled", "online"]]),
        KP + "OAM_IF=enp7s1",
        KP + "system host-if-modify controller-0 $OAM_IF -c platform",
        "Interface not found: host controller-0 interface enp7s1",
        KP + "system interface-network-assign controller-0 $OAM_IF oam",
        "Interface not found: host controller-0 if enp7s1",
        KP + "system host-if-list -a controller-0", iflist,
        KP + "system host-port-list controller-0", ports,
        KP + "ip -br link",
        "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> ",
        "enp0s3           UP             08:00:27:5c:1e:a4 <BROADCAST,MULTICAST,UP,LOWER_UP> ",
        "enp0s8           UP             08:00:27:b3:90:2f <BROADCAST,MULTICAST,UP,LOWER_UP> ",
        "enp0s9           DOWN           08:00:27:41:d7:6e <BROADCAST,MULTICAST> ",
        "docker0          DOWN           02:42:9d:35:f0:1a <NO-CARRIER,BROADCAST,MULTICAST,UP> ",
        KP + "system ntp-show",
        grid(["Property", "Value"], [["uuid", "fa1c6e92-04d7-4b3e-8d59-7e2b0c4a1f63"], ["ntpservers", "0.pool.ntp.org,1.pool.ntp.org,2.pool.ntp.org"],
                                      ["isystem_uuid", "83b5d0e7-6c2a-4f91-b4e8-0d9a7c3f2e15"],
                                      ["created_at", "2025-01-14T16:20:43.510233+00:00"], ["updated_at", "None"]]),
        KP,
    )


@scenario("q429")
def image_pull_backoff():
    P = "sysadmin@controller-0:~$ "
    pods1 = kubectl_table(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], [
        ["web-6d8f9b7c4d-4kx2p", "0/1", "ErrImagePull", "0", "38s"],
        ["web-6d8f9b7c4d-q7m9z", "0/1", "ErrImagePull", "0", "38s"]])
    pods2 = kubectl_table(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], [
        ["web-6d8f9b7c4d-4kx2p", "0/1", "ImagePullBackOff", "0", "3m2s"],
        ["web-6d8f9b7c4d-q7m9z", "0/1", "ImagePullBackOff", "0", "3m2s"]])
    events = "\n".join([
        "Events:",
        "  Type     Reason     Age                From               Message",
        "  ----     ------     ----               ----               -------",
        "  Normal   Scheduled  3m10s              default-scheduler  Successfully assigned demo/web-6d8f9b7c4d-4kx2p to controller-0",
        "  Normal   Pulling    95s (x4 over 3m9s)  kubelet            Pulling image \"ngnix:1.25\"",
        "  Warning  Failed     94s (x4 over 3m8s)  kubelet            Failed to pull image \"ngnix:1.25\": rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/ngnix:1.25\": failed to resolve reference \"docker.io/library/ngnix:1.25\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
        "  Warning  Failed     94s (x4 over 3m8s)  kubelet            Error: ErrImagePull",
        "  Warning  Failed     82s (x6 over 3m7s)  kubelet            Error: ImagePullBackOff",
        "  Normal   BackOff    67s (x7 over 3m7s)  kubelet            Back-off pulling image \"ngnix:1.25\"",
    ])
    describe = "\n".join([
        "Name:             web-6d8f9b7c4d-4kx2p",
        "Namespace:        demo",
        "Priority:         0",
        "Service Account:  default",
        "Node:             controller-0/192.168.206.2",
        "Start Time:       Wed, 05 Feb 2025 10:12:44 +0000",
        "Labels:           app=web",
        "                  pod-template-hash=6d8f9b7c4d",
        "Annotations:      cni.projectcalico.org/containerID: 3b0f8e4c21d7a96e5f2c8b1d0a7e4f3c9b6d2a5e8f1c4b7d0a3e6f9c2b5d8e1a",
        "                  cni.projectcalico.org/podIP: 172.16.192.77/32",
        "                  cni.projectcalico.org/podIPs: 172.16.192.77/32",
        "Status:           Pending",
        "IP:               172.16.192.77",
        "IPs:",
        "  IP:           172.16.192.77",
        "Controlled By:  ReplicaSet/web-6d8f9b7c4d",
        "Containers:",
        "  ngnix:",
        "    Container ID:   ",
        "    Image:          ngnix:1.25",
        "    Image ID:       ",
        "    Port:           <none>",
        "    Host Port:      <none>",
        "    State:          Waiting",
        "      Reason:       ImagePullBackOff",
        "    Ready:          False",
        "    Restart Count:  0",
        "    Environment:    <none>",
        "    Mounts:",
        "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-tx5l2 (ro)",
        "Conditions:",
        "  Type              Status",
        "  Initialized       True ",
        "  Ready             False ",
        "  ContainersReady   False ",
        "  PodScheduled      True ",
        "Volumes:",
        "  kube-api-access-tx5l2:",
        "    Type:                    Projected (a volume that contains injected data from multiple sources)",
        "    TokenExpirationSeconds:  3607",
        "    ConfigMapName:           kube-root-ca.crt",
        "    ConfigMapOptional:       <nil>",
        "    DownwardAPI:             true",
        "QoS Class:                   BestEffort",
        "Node-Selectors:              <none>",
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
        events,
    ])
    nodes = kubectl_table(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE",
                           "KERNEL-VERSION", "CONTAINER-RUNTIME"],
                          [["controller-0", "Ready", "control-plane", "6d2h", "v1.24.4", "192.168.206.2", "<none>",
                            "Debian GNU/Linux 11 (bullseye)", "5.10.0-6-amd64", "containerd://1.4.12"]])
    return session(
        P + "export KUBECONFIG=/etc/kubernetes/admin.conf",
        P + "kubectl get nodes -o wide", nodes,
        P + "kubectl create namespace demo",
        "namespace/demo created",
        P + "kubectl -n demo create deployment web --image=ngnix:1.25 --replicas=2",
        "deployment.apps/web created",
        P + "kubectl -n demo get pods", pods1,
        P + "kubectl -n demo get pods", pods2,
        P + "kubectl -n demo describe pod web-6d8f9b7c4d-4kx2p", describe,
        P + "kubectl -n demo get events --sort-by=.lastTimestamp | tail -n 4",
        "2m12s       Warning   Failed              pod/web-6d8f9b7c4d-q7m9z         Error: ErrImagePull",
        "95s         Normal    Pulling             pod/web-6d8f9b7c4d-4kx2p         Pulling image \"ngnix:1.25\"",
        "82s         Warning   Failed              pod/web-6d8f9b7c4d-4kx2p         Error: ImagePullBackOff",
        "67s         Normal    BackOff             pod/web-6d8f9b7c4d-4kx2p         Back-off pulling image \"ngnix:1.25\"",
        P,
    )


@scenario("q430")
def installer_invalid_device():
    rng = random.Random(430)
    t = [0.0]

    def k(msg):
        t[0] += rng.uniform(0.0005, 0.08)
        return "[%12.6f] %s" % (t[0], msg)

    kern = [
        "Linux version 5.10.0-6-amd64 (builder@yow-stx-build) (gcc (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP PREEMPT Fri Jan 12 07:30:11 UTC 2024",
        "Command line: BOOT_IMAGE=/bzImage-std rdinit=/install instdev=/dev/sda instname=debian instbr=starlingx instab=0 insturl=file://NOT_SET prestage ip=dhcp biosplusefi=1 instl=/ostree_repo ks=file:///kickstart/kickstart.cfg console=ttyS0,115200 traits=controller,worker inst_flux=0 defaultkernel=vmlinuz-*[!t]-amd64 instdate=@1704990011 efi=runtime",
        "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'",
        "BIOS-provided physical RAM map:",
        "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
        "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdafff] usable",
        "NX (Execute Disable) protection: active",
        "SMBIOS 2.8 present.",
        "DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.15.0-1 04/01/2014",
        "Hypervisor detected: KVM",
        "tsc: Detected 2894.562 MHz processor",
        "ACPI: Early table checksum verification disabled",
        "Memory: 18230124K/18874232K available (12296K kernel code, 2543K rwdata, 6880K rodata, 2380K init, 3964K bss, 643848K reserved, 0K cma-reserved)",
        "smp: Brought up 1 node, 6 CPUs",
        "virtio_blk virtio2: [vda] 1258291200 512-byte logical blocks (644 GB/600 GiB)",
        " vda: vda1 vda2",
        "virtio_blk virtio3: [vdb] 419430400 512-byte logical blocks (215 GB/200 GiB)",
        "virtio_blk virtio4: [vdc] 419430400 512-byte logical blocks (215 GB/200 GiB)",
        "ata3: SATA link up 1.5 Gbps (SStatus 113 SControl 300)",
        "scsi 2:0:0:0: CD-ROM            QEMU     QEMU DVD-ROM     2.5+ PQ: 0 ANSI: 5",
        "sr 2:0:0:0: [sr0] scsi3-mmc drive: 4x/4x cd/rw xa/form2 tray",
        "e1000 0000:01:00.0 eth0: (PCI:33MHz:32-bit) 52:54:00:5e:21:0a",
        "e1000 0000:01:00.0 eth0: Intel(R) PRO/1000 Network Connection",
        "Freeing unused kernel image (initmem) memory: 2380K",
        "Run /install as init process",
    ]
    lines = [k(m) for m in kern]
    ks = "2024-10-03 09:51:%02d.%03d kickstart %%pre-part  %s:  %s"
    kl = []
    sec = [12]

    def kk(level, msg):
        sec[0] += rng.choice([0, 0, 1])
        kl.append(ks % (sec[0], rng.randrange(1000), level, msg))

    kk("info", "*****************************************************")
    kk("info", "***   Pre Partition - Volume Remove & Wipe Disk   ***")
    kk("info", "*****************************************************")
    kk("info", "Waiting for disks to be available")
    kk("info", "Disks became available")
    kk("info", "Install traits: controller,worker")
    kk("info", "/proc/cmdline:BOOT_IMAGE=/bzImage-std rdinit=/install instdev=/dev/sda instname=debian instbr=starlingx instab=0 insturl=file://NOT_SET prestage ip=dhcp biosplusefi=1 instl=/ostree_repo ks=file:///kickstart/kickstart.cfg console=ttyS0,115200 traits=controller,worker")
    kk("warn", "timezone not set ; 'timezone --nontp --utc UTC'")
    kk("info", "BIOS Firmware execution")
    kk("warn", "lat initrd is missing /usr/sbin/ntpd")
    tail = [
        "",
        "",
        "Installation failed.",
        "",
        ks % (sec[0] + 1, 412, "warn", "Installation Failed: ERROR: invalid install device /dev/sda"),
        "... dropping to shell ; exit to reboot ...",
        "bash: cannot set terminal process group (1): Inappropriate ioctl for device",
        "bash: no job control in this shell",
        "bash-5.1# lsblk -d -o NAME,SIZE,TYPE,MODEL",
        "NAME  SIZE TYPE MODEL",
        "sr0   2.3G rom  QEMU DVD-ROM",
        "vda   600G disk ",
        "vdb   200G disk ",
        "vdc   200G disk ",
        "bash-5.1# ls -l /dev/disk/by-path/",
        "total 0",
        "lrwxrwxrwx 1 root root  9 Oct  3 09:51 pci-0000:00:1f.2-ata-3 -> ../../sr0",
        "lrwxrwxrwx 1 root root  9 Oct  3 09:51 pci-0000:00:1f.2-ata-3.0 -> ../../sr0",
        "lrwxrwxrwx 1 root root  9 Oct  3 09:51 pci-0000:04:00.0 -> ../../vda",
        "lrwxrwxrwx 1 root root 10 Oct  3 09:51 pci-0000:04:00.0-part1 -> ../../vda1",
        "lrwxrwxrwx 1 root root 10 Oct  3 09:51 pci-0000:04:00.0-part2 -> ../../vda2",
        "lrwxrwxrwx 1 root root  9 Oct  3 09:51 pci-0000:05:00.0 -> ../../vdb",
        "lrwxrwxrwx 1 root root  9 Oct  3 09:51 pci-0000:06:00.0 -> ../../vdc",
        "bash-5.1# ",
    ]
    head = [
        "dev@lab2:~$ sudo virsh start aio-controller-0 --console",
        "Domain 'aio-controller-0' started",
        "Connected to domain 'aio-controller-0'",
        "Escape character is ^] (Ctrl + ])",
        "",
        "  Booting `Debian All-in-one Install'",
        "",
        "  Booting `Serial Console'",
        "",
        "Loading Linux kernel ...",
        "Loading initrd ...",
    ]
    mid = [
        "Starting udev ...",
        "Checking filesystems ...",
        "Mounting ISO ...",
        "Running kickstart %pre hooks ...",
    ]
    return "\n".join(head + lines + mid + kl + tail) + "\n"


def main(argv):
    os.makedirs(OUT, exist_ok=True)
    wanted = argv or sorted(SCENARIOS)
    for qid in wanted:
        text = SCENARIOS[qid]()
        path, n = write(qid, text)
        flag = "" if 4096 <= n <= 20480 else "   <-- outside 4-20 KB"
        print("%s %6d bytes%s" % (os.path.relpath(path), n, flag))


if __name__ == "__main__":
    main(sys.argv[1:])
