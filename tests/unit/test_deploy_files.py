"""The deployment files under deploy/ agree with the code and with their schemas: no Docker, no
cluster, no network.

Every YAML file parses and validates against its schema: the Kubernetes objects against the
Kubernetes JSON schemas that the `kubernetes-validate` package ships (strict: an unknown field is
an error, as `kubectl apply` with server-side field validation says), the CloudNativePG `Cluster`
against the operator's CRD, and the compose file against the compose-spec schema (both vendored in
tests/unit/schemas/, see its README). The commands that Compose and Kubernetes give the image exist
in the `coorace` CLI; every Deployment has its probes on /ready and /health and runs as non-root on
a read-only root file system; the Dockerfile's entry point is the `coorace` console script.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import click
import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.bootstrap import ALL_SERVICES
from services.cli import main as cli
from shared.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"

# What the deployment may ask of the image (the arguments after the `coorace` entry point).
ALLOWED_COMMANDS = {("serve",), ("projections", "run"), ("demo", "seed")}
# The bounded contexts of the design; a service not registered yet may already be deployed.
BOUNDED_CONTEXTS = {"membership", "assessment", "training"}
API_SERVICES = BOUNDED_CONTEXTS | set(ALL_SERVICES)
# The portal's page prefixes and the Deployment whose process serves them; `/` is the home page
# (and every address nobody else takes); /static and /courriels are served by every process.
PAGE_ROUTES = {
    "/connexion": "people-api",
    "/deconnexion": "people-api",
    "/mot-de-passe-oublie": "people-api",
    "/reinitialisation": "people-api",
    "/invitation": "people-api",
    "/equipe": "people-api",
    "/cap": "assessment-api",
    "/relectures": "assessment-api",
    "/audit": "assessment-api",
    "/reseau/cap": "assessment-api",
    "/region/cap": "assessment-api",
    "/reseau": "membership-api",
    "/region": "membership-api",
    "/registre": "membership-api",
    "/fms": "training-api",
    "/static": "membership-api",
    "/courriels": "membership-api",
    "/": "membership-api",
}
# What every process serves, whatever its service (the ingress sends it to any one).
EVERY_PROCESS = ("/static", "/courriels", "/health", "/ready", "/metrics", "/schema")


def yaml_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def k8s_objects() -> list[dict[str, Any]]:
    return [d for p in sorted(K8S.glob("*.yaml")) for d in documents(p)]


def objects_of(kind: str) -> list[dict[str, Any]]:
    return [o for o in k8s_objects() if o.get("kind") == kind]


def compose() -> dict[str, Any]:
    return documents(DEPLOY / "compose.yaml")[0]


def coorace_services() -> dict[str, dict[str, Any]]:
    """The Compose services that run the platform image."""
    return {name: s for name, s in compose()["services"].items() if name not in ("postgres", "gateway")}


def check_cli_arguments(args: list[str]) -> None:
    """`args` is a command line of the `coorace` CLI that this deployment may use: the command
    path exists and is allowed, every option is one the command declares, --service names a
    service; when every named service is registered, click parses the whole line."""
    assert args, "no arguments: the image's CMD would run"
    command: click.Command = cli
    path: list[str] = []
    rest = list(args)
    while isinstance(command, click.Group):
        assert rest, f"{args}: {' '.join(path) or 'coorace'} needs a subcommand"
        name = rest.pop(0)
        assert name in command.commands, f"{args}: no command {name!r} in the coorace CLI"
        command = command.commands[name]
        path.append(name)
    assert tuple(path) in ALLOWED_COMMANDS, f"{args}: {' '.join(path)} is not a deployment command"

    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    services: list[str] = []
    tokens = iter(rest)
    for token in tokens:
        assert token.startswith("--"), f"{args}: unexpected argument {token!r}"
        name, _, inline = token.partition("=")
        assert name in options, f"{args}: {' '.join(path)} has no option {name}"
        if options[name].is_flag:
            continue
        value = inline or next(tokens, None)
        assert value is not None, f"{args}: {name} needs a value"
        if name == "--service":
            assert value in API_SERVICES, f"{args}: no service {value!r}"
            services.append(value)
    if all(s in ALL_SERVICES for s in services):
        # click parses the leaf command's options and converts their values (raises UsageError).
        command.make_context(" ".join(["coorace", *path]), list(rest))


# --- every YAML file ------------------------------------------------------------------------


def test_there_are_yaml_files() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in yaml_files()}
    assert {"compose.yaml", "k8s/kustomization.yaml", "k8s/postgres-cluster.yaml"} <= names


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_yaml_parses(path: Path) -> None:
    docs = documents(path)
    assert docs, f"{path} is empty"
    assert all(isinstance(d, dict) for d in docs)
    if path.parent == K8S and path.name != "kustomization.yaml":
        for doc in docs:
            assert doc.get("apiVersion") and doc.get("kind"), f"{path}: not a Kubernetes object"
            assert doc["metadata"].get("name")
            if doc["kind"] != "Namespace":
                assert doc["metadata"].get("namespace") == "coorace", f"{path}: {doc['kind']} outside coorace"


# --- schemas ------------------------------------------------------------------------------------


def strict(schema: Any) -> Any:
    """An OpenAPI v3 schema of a CRD, with unknown fields refused where Kubernetes refuses them: in
    every object that lists its properties and does not keep unknown fields."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {k: strict(v) for k, v in schema.items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        schema["additionalProperties"] = False
    return schema


def crd_validator(path: Path) -> tuple[str, jsonschema.protocols.Validator]:
    (crd,) = documents(path)
    (version,) = [v for v in crd["spec"]["versions"] if v["storage"]]
    api_version = f"{crd['spec']['group']}/{version['name']}"
    schema = strict(version["schema"]["openAPIV3Schema"])
    # The API server checks metadata itself; the CRD's schema leaves it open.
    schema["properties"]["metadata"] = {"type": "object"}
    return api_version, jsonschema.Draft4Validator(schema)


CUSTOM_RESOURCES = {"Cluster": crd_validator(SCHEMAS / "postgresql.cnpg.io_clusters.yaml")}
KUBERNETES_VERSION = kubernetes_validate.latest_version()


def errors_of(validator: jsonschema.protocols.Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


@pytest.mark.parametrize(
    "document",
    [d for p in sorted(K8S.glob("*.yaml")) if p.name != "kustomization.yaml" for d in documents(p)],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_kubernetes_objects_validate_against_their_schema(document: dict[str, Any]) -> None:
    if document["kind"] in CUSTOM_RESOURCES:
        api_version, validator = CUSTOM_RESOURCES[document["kind"]]
        assert document["apiVersion"] == api_version
        assert errors_of(validator, document) == []
    else:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_cluster_schema_check_refuses_fields_in_the_wrong_place() -> None:
    (cluster,) = documents(K8S / "postgres-cluster.yaml")
    _, validator = CUSTOM_RESOURCES["Cluster"]
    misplaced = {**cluster, "spec": {**cluster["spec"], "enablePodAntiAffinity": True, "topologyKey": "zone"}}
    errors = errors_of(validator, misplaced)
    assert any("enablePodAntiAffinity" in e for e in errors) and any("topologyKey" in e for e in errors)


def test_the_kubernetes_schema_check_refuses_unknown_fields() -> None:
    (deployment, _service) = documents(K8S / "membership.yaml")
    wrong = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, KUBERNETES_VERSION, strict=True)


def compose_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    return jsonschema.Draft7Validator(schema)


def test_the_compose_file_validates_against_the_compose_spec() -> None:
    assert errors_of(compose_validator(), compose()) == []


def test_the_compose_schema_check_refuses_unknown_fields() -> None:
    wrong = compose()
    wrong["services"]["postgres"]["healthcheck"]["intervall"] = "5s"
    assert errors_of(compose_validator(), wrong)


# --- Compose ----------------------------------------------------------------------------------


def test_compose_commands_exist_in_the_cli() -> None:
    for name, service in coorace_services().items():
        command = service["command"]
        args = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
        check_cli_arguments(args)
        assert "entrypoint" not in service, f"{name} overrides the coorace entry point"


def test_compose_runs_every_role() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])
    for context in sorted(API_SERVICES):
        command = services[context]["command"]
        assert command[:1] == ["serve"] and "--no-projections" in command and "--own-routes-only" in command
        assert command[command.index("--service") + 1] == context
    assert services["projections"]["command"] == ["projections", "run"]
    assert services["demo-seed"]["command"] == ["demo", "seed"]
    assert services["demo-seed"]["profiles"] == ["demo"]
    assert services["all-in-one"]["command"][:1] == ["serve"]
    assert services["all-in-one"]["profiles"] == ["single"]


def test_compose_services_wait_for_a_healthy_database_and_share_the_jwt_secret() -> None:
    for name, service in coorace_services().items():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["COORACE_JWT_SECRET"].startswith("${COORACE_JWT_SECRET"), f"{name}: JWT secret not from env"
        assert service["image"] == "coorace-platform:local"
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / service["build"]["context"]).resolve() == ROOT


def test_compose_runs_init_sql_and_the_platform_logs_in_as_plain_roles() -> None:
    postgres = compose()["services"]["postgres"]
    env = postgres["environment"]
    assert env["POSTGRES_USER"] == "postgres" and "POSTGRES_DB" not in env  # init.sql makes the database
    mounts = {v.split(":")[1]: v.split(":")[0] for v in postgres["volumes"]}
    assert mounts["/coorace/init.sql"] == "./postgres/init.sql"
    script = DEPLOY / mounts["/docker-entrypoint-initdb.d/10-coorace.sh"]
    assert script.is_file() and "-f /coorace/init.sql" in script.read_text()
    assert 'app_password="$COORACE_DB_PASSWORD"' in script.read_text()
    for name, service in coorace_services().items():
        service_env = service["environment"]
        assert service_env["DATABASE_URL"].startswith("postgresql://coorace:"), name
        assert service_env["COORACE_READER_PASSWORD"].startswith("${COORACE_READER_PASSWORD"), name


# --- Kubernetes ---------------------------------------------------------------------------------


def pod_spec(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]


def test_every_deployment_is_probed_on_ready_and_health() -> None:
    deployments = objects_of("Deployment")
    assert {d["metadata"]["name"] for d in deployments} >= {f"{s}-api" for s in API_SERVICES} | {"projections"}
    for deployment in deployments:
        for container in pod_spec(deployment)["containers"]:
            where = f"{deployment['metadata']['name']}/{container['name']}"
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready", where
            assert container["livenessProbe"]["httpGet"]["path"] == "/health", where
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if probe in container:
                    port = container[probe]["httpGet"]["port"]
                    assert ports.get(port, port) == 8000, f"{where}: {probe} on port {port}"


def test_every_deployment_runs_as_non_root_on_a_read_only_root() -> None:
    for deployment in objects_of("Deployment"):
        spec = pod_spec(deployment)
        pod_security = spec.get("securityContext", {})
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec["containers"]:
            where = f"{deployment['metadata']['name']}/{container['name']}"
            security = {**pod_security, **container.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True, where
            assert security.get("runAsUser", 10001) != 0, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert "ALL" in security.get("capabilities", {}).get("drop", []), where
            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{where}: no emptyDir on /tmp"
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"], where


def test_deployments_run_cli_commands_with_the_configuration() -> None:
    replicas = {d["metadata"]["name"]: d["spec"]["replicas"] for d in objects_of("Deployment")}
    assert replicas["membership-api"] == 3 and replicas["projections"] == 1
    assert all(replicas[f"{s}-api"] == 2 for s in API_SERVICES - {"membership"})
    for deployment in objects_of("Deployment"):
        name = deployment["metadata"]["name"]
        for container in pod_spec(deployment)["containers"]:
            assert "command" not in container, f"{name} overrides the coorace entry point"
            check_cli_arguments(container["args"])
            if name.endswith("-api"):
                args = container["args"]
                assert "--no-projections" in args and args[args.index("--service") + 1] == name[: -len("-api")]
                # Each service's own routes: the ingress sends the others to their own Deployments.
                assert "--own-routes-only" in args
            assert {"configMapRef": {"name": "coorace-config"}} in container["envFrom"]
            # Every process loads the settings, so every one gets the provider's, or none.
            assert {"secretRef": {"name": "coorace-oidc", "optional": True}} in container["envFrom"]
            secret_env = {
                e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e
            }
            assert secret_env == {
                "DATABASE_URL": "coorace-secrets",
                "COORACE_JWT_SECRET": "coorace-secrets",
                "COORACE_READER_PASSWORD": "coorace-db-reader",
            }


def test_services_ingress_hpa_and_pdbs_point_at_what_exists() -> None:
    pod_labels = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in objects_of("Deployment")}

    def selects_a_deployment(selector: dict[str, str]) -> bool:
        return any(selector.items() <= labels.items() for labels in pod_labels.values())

    services = {s["metadata"]["name"]: s for s in objects_of("Service")}
    for name, service in services.items():
        assert selects_a_deployment(service["spec"]["selector"]), name
    for pdb in objects_of("PodDisruptionBudget"):
        assert selects_a_deployment(pdb["spec"]["selector"]["matchLabels"]), pdb["metadata"]["name"]
    for deployment in objects_of("Deployment"):
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels[deployment["metadata"]["name"]].items()

    (hpa,) = objects_of("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "membership-api"}

    (ingress,) = objects_of("Ingress")
    routes = {
        p["path"]: p["backend"]["service"]["name"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
    }
    assert routes == {f"/api/{s}": f"{s}-api" for s in API_SERVICES} | PAGE_ROUTES
    assert set(routes.values()) <= set(services)


def test_kustomization_lists_the_manifests_but_not_the_examples() -> None:
    (kustomization,) = documents(K8S / "kustomization.yaml")
    resources = kustomization["resources"]
    assert all((K8S / r).is_file() for r in resources)
    assert "secret.example.yaml" not in resources and "postgres-cluster.yaml" not in resources
    examples = {"kustomization.yaml", "secret.example.yaml", "postgres-cluster.yaml"}
    listed = {p.name for p in K8S.glob("*.yaml")} - examples
    assert listed == set(resources)


def test_secrets_are_examples_and_postgres_comes_from_cloudnativepg() -> None:
    secret, reader, oidc = documents(K8S / "secret.example.yaml")
    assert secret["metadata"]["name"] == "coorace-secrets"
    assert set(secret["stringData"]) == {"DATABASE_URL", "COORACE_JWT_SECRET"}
    assert all("REPLACE-ME" in v for v in secret["stringData"].values())
    assert reader["metadata"]["name"] == "coorace-db-reader" and reader["type"] == "kubernetes.io/basic-auth"
    assert reader["stringData"]["username"] == "coorace_reader" and "REPLACE-ME" in reader["stringData"]["password"]
    assert (
        oidc["metadata"]["name"] == "coorace-oidc" and "REPLACE-ME" in oidc["stringData"]["COORACE_OIDC_CLIENT_SECRET"]
    )
    # The three settings go together: the example's are accepted as a whole by the settings.
    assert load_settings(dict(oidc["stringData"])).oidc is not None
    (cluster,) = documents(K8S / "postgres-cluster.yaml")
    assert cluster["apiVersion"].startswith("postgresql.cnpg.io/") and cluster["kind"] == "Cluster"
    assert not objects_of("StatefulSet")


def test_cloudnativepg_makes_the_reader_a_plain_login_and_the_owner_no_role_maker() -> None:
    (cluster,) = documents(K8S / "postgres-cluster.yaml")
    sql = " ".join(cluster["spec"]["bootstrap"]["initdb"]["postInitApplicationSQL"])
    assert "CREATE ROLE coorace_reader LOGIN NOSUPERUSER NOBYPASSRLS" in sql
    assert "ALTER ROLE coorace CREATEROLE" not in sql and "GRANT coorace_reader TO" not in sql
    (reader,) = [r for r in cluster["spec"]["managed"]["roles"] if r["name"] == "coorace_reader"]
    assert reader["login"] is True and reader["inRoles"] == []
    assert not any(reader[a] for a in ("superuser", "bypassrls", "createdb", "createrole", "replication"))
    assert reader["passwordSecret"]["name"] == "coorace-db-reader"


# --- Routing the portal's pages -------------------------------------------------------------


def ingress_routes() -> dict[str, str]:
    (ingress,) = objects_of("Ingress")
    return {
        p["path"]: p["backend"]["service"]["name"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
    }


def under(path: str, prefix: str) -> bool:
    """`path` matches the Ingress's `Prefix` `prefix` (whole segments, as Kubernetes says)."""
    return prefix == "/" or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def routed_to(routes: dict[str, str], path: str) -> str:
    """Where a `Prefix` routing sends `path`: the longest prefix that matches wins."""
    return routes[max((p for p in routes if under(path, p)), key=len)]


@functools.cache
def served_paths(service: str) -> frozenset[str]:
    """The paths (outside /api) that `serve --service SERVICE --own-routes-only` serves."""
    from services.bootstrap import build_platform
    from shared.app_factory import create_app

    # No database is touched: the app is built, not started.
    settings = load_settings({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "COORACE_LOG_FORMAT": "json"})
    app = create_app(build_platform([service], settings=settings), run_projections=False, routed_services=[service])
    return frozenset(route.path for route in app.routes if not route.path.startswith("/api"))


def served() -> dict[str, frozenset[str]]:
    """What each service's process serves (built when a test asks, not when the suite is collected)."""
    return {service: served_paths(service) for service in sorted(ALL_SERVICES)}


def test_routing_by_prefix_takes_whole_segments_and_the_longest_prefix() -> None:
    routes = ingress_routes()
    assert routed_to(routes, "/cap/123/plan") == "assessment-api"
    assert routed_to(routes, "/capital") == "membership-api"
    assert routed_to(routes, "/region/cap/BRE") == "assessment-api"
    assert routed_to(routes, "/region/BRE") == "membership-api"
    assert routed_to(routes, "/reseau/cap") == "assessment-api"
    assert routed_to(routes, "/connexion/fournisseur/retour") == "people-api"
    assert routed_to(routes, "/api/people/123") == "people-api"


@pytest.mark.parametrize("service", sorted(ALL_SERVICES))
def test_every_page_a_process_serves_is_routed_to_it(service: str) -> None:
    routes = ingress_routes()
    pages = {p for p in served_paths(service) if not p.startswith(EVERY_PROCESS)}
    for path in pages:
        assert routed_to(routes, path) == f"{service}-api", f"{path} is served by {service} but routed elsewhere"


def test_every_process_serves_the_static_files_and_the_shared_pages() -> None:
    for service, paths in served().items():
        for shared in EVERY_PROCESS:
            assert any(under(p, shared) for p in paths), f"{service} does not serve {shared}"


def test_every_page_prefix_reaches_a_process_that_serves_it() -> None:
    routes = ingress_routes()
    for prefix, deployment in PAGE_ROUTES.items():
        assert routes[prefix] == deployment
        service = deployment.removesuffix("-api")
        assert any(under(p, prefix) for p in served_paths(service)), f"{prefix}: {service} serves nothing there"
    # The sign-in pages are the people process's: the others do not have them.
    paths = served()
    assert "/connexion" in paths["people"] and not any("/connexion" in paths[s] for s in paths if s != "people")
    assert "/" in paths["membership"]


def gateway_routes() -> dict[str, str]:
    """deploy/gateway/nginx.conf's locations: prefix -> Deployment (upstream name + "-api")."""
    text = (DEPLOY / "gateway" / "nginx.conf").read_text()
    upstreams = dict(re.findall(r"upstream (\w+) \{ server (\w+):8000; \}", text))
    assert all(name == host for name, host in upstreams.items())
    exact = dict(re.findall(r"location = (\S+) \{ proxy_pass http://(\w+); \}", text))
    prefixes = dict(re.findall(r"location (/\S*) \{ proxy_pass http://(\w+); \}", text))
    routes = {}
    for path, upstream in prefixes.items():
        assert upstream in upstreams, path
        bare = path.rstrip("/") or "/"
        if bare != "/":
            # A segment prefix is `= /x` and `/x/` to the same process (`/x` alone would take /xyz).
            assert exact.get(bare) == upstream, f"{path} without its exact location"
        routes[bare] = f"{upstream}-api"
    assert set(exact) <= set(routes)
    return routes


def test_the_compose_gateway_routes_as_the_ingress_does() -> None:
    assert gateway_routes() == ingress_routes()
    gateway = compose()["services"]["gateway"]
    assert "./gateway/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in gateway["volumes"]
    assert set(gateway["depends_on"]) == API_SERVICES
    for name in API_SERVICES:
        assert coorace_services()[name]["environment"]["FORWARDED_ALLOW_IPS"] == "*"


# --- Dockerfile -----------------------------------------------------------------------------------


def final_stage() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile's last stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    instructions = [tuple(line.split(None, 1)) for line in lines]
    start = max(i for i, (word, _) in enumerate(instructions) if word.upper() == "FROM")
    return [(word.upper(), rest) for word, rest in instructions[start:]]


def test_dockerfile_entrypoint_is_the_coorace_console_script() -> None:
    stage = dict(final_stage())
    assert json.loads(stage["ENTRYPOINT"]) == ["coorace"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["coorace"] == "services.cli:main"
    check_cli_arguments(json.loads(stage["CMD"]))
    assert json.loads(stage["CMD"]) == ["serve", "--host", "0.0.0.0", "--port", "8000"]


def test_dockerfile_builds_a_non_root_image_with_a_health_check() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert "python:3.11-slim" in text and text.count("FROM ") >= 2
    assert "pip install ." in text
    stage = dict(final_stage())
    user = stage["USER"].split(":")[0]
    assert user not in ("root", "0")
    assert stage["EXPOSE"] == "8000"
    assert "/health" in stage["HEALTHCHECK"] and "urllib" in stage["HEALTHCHECK"]
    for source in ("pyproject.toml", "shared", "services"):
        assert (ROOT / source).exists()
        assert re.search(rf"^COPY .*\b{source}\b", text, re.MULTILINE), f"{source} not copied"


def test_the_projections_process_writes_the_chains_anchors_to_a_volume_of_its_own() -> None:
    (deployment,) = [d for d in objects_of("Deployment") if d["metadata"]["name"] == "projections"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    anchor_file = {e["name"]: e.get("value") for e in container["env"]}["COORACE_AUDIT_ANCHOR_FILE"]
    (mount,) = [m for m in container["volumeMounts"] if anchor_file.startswith(m["mountPath"] + "/")]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    claims = {c["metadata"]["name"] for c in objects_of("PersistentVolumeClaim")}
    assert volume["persistentVolumeClaim"]["claimName"] in claims
