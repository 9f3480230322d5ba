"""govflow's command line: ``govflow dev`` runs everything; the other commands run one part."""

from __future__ import annotations

import asyncio
from typing import Annotated

import httpx
import typer

from api.auth import issue_token
from domain.actors import Role
from govflow.bootstrap import (
    auth_config,
    build_api,
    build_application,
    build_view,
    build_worker_parts,
    connect_temporal,
    ensure_schedules,
    open_audit_log,
    start_projection_runners,
)
from govflow.processes import (
    api_server,
    configure_logging,
    log,
    serve_until_stopped,
    stop_event_on_signals,
)
from govflow.settings import Settings
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from projections.runners import stop_runners

app = typer.Typer(help="govflow — 政府职能转移与购买服务", no_args_is_help=True,
                  add_completion=False)
projections_app = typer.Typer(help="投影（读模型）管理", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
audit_app = typer.Typer(help="审计链：事件日志的防篡改校验", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@app.command()
def dev() -> None:
    """Run the whole system: Temporal dev server, worker, projections and API."""
    from govflow.dev import run_dev

    configure_logging()
    asyncio.run(run_dev(Settings()))


@app.command()
def worker() -> None:
    """Run the Temporal worker (workflows and activities)."""
    configure_logging()
    asyncio.run(_run_worker(Settings()))


async def _run_worker(settings: Settings) -> None:
    stop = stop_event_on_signals()
    client = await connect_temporal(settings)
    parts = build_worker_parts(settings, client)
    try:
        async with parts.worker:
            log.info("工作进程  %s  任务队列 %s", client.service_client.config.target_host,
                     settings.task_queue)
            await ensure_schedules(settings, client)
            await stop.wait()
    finally:
        parts.close()


@app.command()
def api() -> None:
    """Run the HTTP API."""
    configure_logging()
    asyncio.run(_run_api(Settings()))


async def _run_api(settings: Settings) -> None:
    stop = stop_event_on_signals()
    client = await connect_temporal(settings)
    server = api_server(build_api(settings, client), host=settings.api_host,
                        port=settings.api_port)
    log.info("API  http://%s:%d", settings.api_host, settings.api_port)
    await serve_until_stopped(server, stop)


@app.command()
def projector() -> None:
    """Run the projection runners that keep the read models up to date."""
    configure_logging()
    asyncio.run(_run_projector(Settings()))


async def _run_projector(settings: Settings) -> None:
    stop = stop_event_on_signals()
    runners = start_projection_runners(settings)
    log.info("投影  %s", "、".join(r.projection.name for r in runners))
    try:
        await stop.wait()
    finally:
        stop_runners(runners)


@projections_app.command("rebuild")
def rebuild_projections(
    name: Annotated[
        str | None, typer.Argument(
            help=f"投影名称（{'、'.join(p.name for p in PROJECTIONS)}）；省略则全部重建")
    ] = None,
) -> None:
    """Rebuild read models from position 0 (stop the projector first)."""
    settings = Settings()
    chosen = [p for p in PROJECTIONS if name in (None, p.name)]
    if not chosen:
        names = "、".join(p.name for p in PROJECTIONS)
        raise typer.BadParameter(f"没有名为 {name!r} 的投影；可选：{names}")
    application = build_application(settings)
    try:
        for projection in chosen:
            count = rebuild(projection_class=projection, view=build_view(settings, projection),
                            application=application)
            typer.echo(f"{projection.name}: 已重建，处理事件 {count} 个")
    finally:
        application.close()


@app.command()
def token(
    role: Annotated[Role, typer.Option(help="角色")],
    department: Annotated[str | None, typer.Option(help="部门代码（department 角色）")] = None,
    agency: Annotated[str | None, typer.Option(help="咨询服务机构（agency 角色）")] = None,
    evaluator: Annotated[str | None, typer.Option(help="第三方评估机构（evaluator 角色）")] = None,
    organization: Annotated[str | None, typer.Option(help="社会组织（organization 角色）")] = None,
    user: Annotated[str | None, typer.Option(help="用户名；默认为 dev-<角色>")] = None,
) -> None:
    """Print a development token (JWT) for a role and scope."""
    settings = Settings()
    scopes = {Role.DEPARTMENT: department, Role.AGENCY: agency, Role.EVALUATOR: evaluator,
              Role.ORGANIZATION: organization}
    scope = scopes.get(role)
    if role in scopes and not scope:
        raise typer.BadParameter(f"角色 {role.value} 需要 --{role.value} 指定其范围")
    typer.echo(issue_token(auth_config(settings), role=role, scope=scope,
                           user=user or f"dev-{role.value}"))


@app.command()
def demo(
    url: Annotated[str | None, typer.Option(
        help="运行中的 govflow API 地址；默认为 http://<GOVFLOW_API_HOST>:<GOVFLOW_API_PORT>",
    )] = None,
) -> None:
    """Seed a running govflow (`govflow dev`) through its API: the built-in Jiangmen
    departments, a consulting agency with experts, a dozen social organizations with grades,
    an evaluator and an evaluation under way, catalogue items at several stages, transfers
    in each mode, purchase contracts (one finished and reviewed) and the quarterly reports
    of the quarter that ended last (江门市民政局's submitted); running it again adds
    nothing."""
    from govflow.demo import DEMO_USER, seed
    from govflow.demo_cases import CaseSeedError

    settings = Settings()
    token = issue_token(auth_config(settings), role=Role.COMMITTEE, scope=None, user=DEMO_USER)
    base_url = url or f"http://{settings.api_host}:{settings.api_port}"

    def headers_for(role: Role, scope: str | None) -> dict[str, str]:
        issued = issue_token(auth_config(settings), role=role, scope=scope, user=DEMO_USER)
        return {"Authorization": f"Bearer {issued}"}

    async def run() -> None:
        async with httpx.AsyncClient(
            base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            await seed(client, echo=typer.echo, headers_for=headers_for)

    try:
        asyncio.run(run())
    except CaseSeedError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from None


@audit_app.command("verify")
def audit_verify(
    expect_head: Annotated[str | None, typer.Option(
        help="在系统之外记录的链头 <位置>:<哈希>（GET /audit/head 或 govflow audit head 所示）；"
             "日志须仍经过它")] = None,
) -> None:
    """Walk the event log and report the first broken link of its audit chain (exit code 1)."""
    from govflow.audit_chain import ChainHead

    try:
        expected = ChainHead.parse(expect_head) if expect_head is not None else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--expect-head") from None
    audit = open_audit_log(Settings())
    try:
        verification = audit.verify(expected_head=expected)
    finally:
        audit.close()
    typer.echo(verification.summary())
    if not verification.ok:
        raise typer.Exit(code=1)


@audit_app.command("head")
def audit_head() -> None:
    """Print the audit chain's head as <position>:<hash>, to be recorded outside govflow."""
    audit = open_audit_log(Settings())
    try:
        typer.echo(str(audit.head()))
    finally:
        audit.close()


def main() -> None:
    app()


