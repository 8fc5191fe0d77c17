"""dashboards/ against a live gateway (issue 19, point 2): every metric name that a Grafana panel, the
dashboard's template variable or an alert rule queries is a metric family the gateway exports, has series
once the gateway has done some work, and carries the labels the query selects on or groups by. promtool
checks the rules' syntax and firing (scripts/check-dashboards); only a running gateway can say whether the
names are real."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml

from services import embed, gateway_env, http, module_gateways, sim  # noqa: F401 (fixtures)
from test_generation import EventStream

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"

# PromQL words that look like identifiers but are not metric names (functions are those followed by "(").
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
            "offset", "inf", "nan"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


# ----------------------------------------------------------------------------------- the queries

def queries() -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target, the template variables and every rule."""
    out = []
    dash = json.loads((DASHBOARDS / "pattern-gateway.json").read_text())
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            out.append((f"panel {panel['title']!r} {t['refId']}", t["expr"]))
    for var in dash["templating"]["list"]:
        if var["type"] == "query":
            q = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            # label_values(metric, label): the selector is the first argument.
            m = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", q.strip())
            assert m, f"variable {var['name']}: unexpected query {q!r}"
            out.append((f"variable {var['name']}", f"sum by ({m.group(2)}) ({m.group(1)})"))
    rules = yaml.safe_load((DASHBOARDS / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            out.append((f"rule {rule.get('alert') or rule.get('record')}", rule["expr"]))
    return out


def selectors(expr: str) -> list[tuple[str, list[str]]]:
    """Metric names in a PromQL expression with the label names each selector matches on."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # label values may hold anything
    expr = re.sub(r"\[[^\]]*\]", "", expr)                     # range and subquery durations, $__rate_interval
    expr = re.sub(r"\b(by|without)\s*\([^)]*\)", " ", expr)    # grouping labels are not metric names
    found = []
    for m in re.finditer(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?", expr):
        name, matchers, call = m.group(1), m.group(2), m.group(3)
        if call and not matchers or name.lower() in KEYWORDS:
            continue                                           # a function, or a keyword
        labels = re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", matchers or "")
        found.append((name, labels))
    return found


def grouping_labels(expr: str) -> list[str]:
    return [l.strip() for g in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr) for l in g.split(",") if l.strip()]


# ----------------------------------------------------------------------------------- the exposition

def exposition(text: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """({family: type} from # TYPE lines, {sample name: label names seen on its samples})."""
    types, samples = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            m = re.match(r"([a-zA-Z_:][\w:]*)(\{.*\})?\s", line)
            assert m, f"unparsable sample line {line!r}"
            labels = set(re.findall(r'([a-zA-Z_]\w*)="', m.group(2) or ""))
            samples.setdefault(m.group(1), set()).update(labels)
    return types, samples


def problems(where: str, expr: str, types: dict[str, str], samples: dict[str, set[str]]) -> list[str]:
    """What in one query does not match the exposition; empty when everything it names is there."""
    out = []
    used = selectors(expr)
    if not used:
        return [f"{where}: no metric name found in {expr!r}"]
    seen_labels: set[str] = set()
    for name, labels in used:
        family = name
        if name not in types:
            base = next((name[: -len(s)] for s in HISTOGRAM_SUFFIXES if name.endswith(s)), None)
            if base is None or types.get(base) not in ("histogram", "summary"):
                out.append(f"{where}: {name} is not a metric family in /metrics")
                continue
            family = base
        if name not in samples:
            out.append(f"{where}: {name} (family {family}) has no series in /metrics")
            continue
        seen_labels |= samples[name]
        for label in labels:
            if label not in samples[name]:
                out.append(f"{where}: {name} has no label {label!r} (has {sorted(samples[name])})")
    for label in grouping_labels(expr):
        if label not in seen_labels:
            out.append(f"{where}: grouping label {label!r} is on none of {[n for n, _ in used]}")
    return out


# ----------------------------------------------------------------------------------- the gateway

@pytest.fixture(scope="module")
def metrics_text(sim, module_gateways):
    """A gateway that has done one of each kind of work, so that every family has its series."""
    gw = module_gateways.start(gateway_env(sim))
    port = gw.port
    assert embed(port, "general", {"text": "dashboards"}).status == 200                 # real_time, cache miss
    assert embed(port, "general", {"text": "dashboards"}).status == 200                 # cache hit
    assert embed(port, "mixtral", {"text": "queued"}).status == 202                     # bulk queue, batch job
    events = EventStream(port, "/api/v1/external/general/generate",
                         {"prompt": "hi", "max_tokens": 8, "stream": True}).all()      # tokens, ttft, duration
    assert events[-1][0] == "done", events
    r = http(port, "POST", "/api/v1/patterns/general/ingest", {"texts": ["a doc", "another doc"]})
    assert r.status == 200, r
    for _ in range(2):                                                                  # miss, then hit
        r = http(port, "POST", "/api/v1/patterns/general/search", {"query": "a doc", "limit": 2})
        assert r.status == 200, r
    sim.control(model="phi3", mode="fail", status=503)                                  # a failed outcome
    try:
        assert embed(port, "phi3", {"text": "fails"}).status >= 500
    finally:
        sim.control(model="phi3", mode="recover")
    # The queued job finishes within BULK_PROCESSING_INTERVAL (1 s under gateway_env).
    deadline = time.monotonic() + 15
    while True:
        text = http(port, "GET", "/metrics").body.decode()
        if re.search(r'^pattern_batch_jobs_total\{model="mixtral"', text, re.M) or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def test_every_query_names_real_metrics_and_labels(metrics_text):
    types, samples = exposition(metrics_text)
    qs = queries()
    assert len(qs) > 20, f"too few queries found in dashboards/: {qs}"
    found = [p for where, expr in qs for p in problems(where, expr, types, samples)]
    assert not found, "\n".join(found)


def test_the_check_catches_made_up_names_and_labels(metrics_text):
    """The extractor and the check are not vacuous: wrong names and labels next to real ones are reported."""
    types, samples = exposition(metrics_text)
    good = 'sum by (model) (rate(pattern_requests_total{outcome!="success"}[5m]))'
    assert problems("good", good, types, samples) == []
    cases = {
        'rate(pattern_requets_total[5m])': "pattern_requets_total is not a metric family",
        'sum(rate(pattern_request_duration_seconds_bukket[5m]))': "is not a metric family",
        'pattern_requests_total / patern_requests_total': "patern_requests_total is not a metric family",
        'histogram_quantile(0.99, sum by (le) (rate(pattern_tokens_total_bucket[5m])))': "pattern_tokens_total_bucket is not",
        'integration_endpoint_healthy{modell="general"}': "has no label 'modell'",
        'sum by (endpoint) (rate(pattern_requests_total[5m]))': "grouping label 'endpoint'",
        'vector(1)': "no metric name found",
    }
    for expr, expected in cases.items():
        got = problems("case", expr, types, samples)
        assert any(expected in p for p in got), f"{expr!r}: expected a problem containing {expected!r}, got {got}"
