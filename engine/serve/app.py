"""The ASGI application: the JSON API under `/v1/`, `/healthz`, `/openapi.json`, and the eligibility page at `/`.

Every document is the one the `rules` command prints with `--format json`, built by the same functions. Evaluation is
CPU work that holds the interpreter lock, so it runs in a worker thread one request at a time (in arrival order),
which keeps the event loop free to read requests, refuse bad ones and answer health checks meanwhile. Anything a
handler did not expect becomes a 500 problem document without a traceback (the traceback goes to the server log).
"""

from __future__ import annotations

import gc
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.diff.report import diff_document
from engine.diff.rulebook_diff import compare
from engine.eval.traced import EvaluationLimit
from engine.explain.as_of import choose_as_of
from engine.explain.evaluation import OutOfTime, evaluate_inputs
from engine.explain.report import report_document
from engine.explain.show import rulebook_json
from engine.lower.rulebook import default_rules_tree
from engine.model.json_document import document_text
from engine.model.profile import Problem
from engine.serve.library import Library, load_library
from engine.serve.openapi import openapi_document
from engine.serve.problems import ApiProblem, problem_response
from engine.serve.requests import (
    EvalRequest,
    Limits,
    WhatIfRequest,
    WhyNotRequest,
    parse_json,
    read_eval_request,
    read_whatif_request,
    read_whynot_request,
)
from engine.whynot.analyse import analyse
from engine.whynot.context import Analyser
from engine.whynot.report import advice_json, with_why_not
from engine.whynot.whatif import what_if, whatif_json

JSON_TYPES = ("application/json", "application/problem+json")
# The page runs only its own script and style, and is never framed; no response is sniffed into another type.
SECURITY_HEADERS = (
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


@dataclass(frozen=True, slots=True)
class Service:
    """What every request reads: the rulebooks and the limits. Nothing in it changes once the server has started."""

    library: Library
    limits: Limits
    openapi: dict[str, Any]
    page: str


def create_app(library: Library, limits: Limits | None = None) -> Starlette:
    """The application for `library`; `limits` default to `Limits()`."""
    limits = limits or Limits()
    page = files("engine.serve").joinpath("static/index.html").read_text(encoding="utf-8")
    service = Service(library, limits, openapi_document(library.years, limits), page)
    routes = [
        Route("/healthz", _endpoint(service, _health), methods=["GET"]),
        Route("/openapi.json", _endpoint(service, _openapi), methods=["GET"]),
        Route("/v1/eval", _endpoint(service, _evaluate), methods=["POST"]),
        Route("/v1/whynot", _endpoint(service, _whynot), methods=["POST"]),
        Route("/v1/whatif", _endpoint(service, _whatif), methods=["POST"]),
        Route("/v1/rulebooks", _endpoint(service, _rulebooks), methods=["GET"]),
        Route("/v1/rulebooks/{year}", _endpoint(service, _rulebook), methods=["GET"]),
        Route("/v1/diff/{old}/{new}", _endpoint(service, _diff), methods=["GET"]),
        Route("/v1/occupations", _endpoint(service, _occupations), methods=["GET"]),
        Route("/", _endpoint(service, _page), methods=["GET"]),
        Mount("/static", StaticFiles(packages=[("engine.serve", "static")])),
    ]
    handlers = {HTTPException: _http_problem, ApiProblem: _api_problem, Exception: _unexpected}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=_lifespan)
    app.add_middleware(_SecurityHeaders)
    return app


def app_from_environment() -> Starlette:
    """The application for the rules tree `RULES_PATH` names (else the shipped one): what each worker process of
    `rules serve --workers N` builds for itself."""
    return create_app(load_library(default_rules_tree()))


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    """One evaluation at a time per process: a limiter made inside the event loop, as the loop's objects must be.

    Before the first request, what the process holds for its whole life (the compiled rulebooks, the modules) is
    moved out of the garbage collector's reach (`gc.freeze`): a request builds thousands of short-lived objects, and
    each full collection they set off would otherwise walk the rulebooks too, the pauses behind the slowest
    answers (the in-process p99 of a full explanation falls from about 15 ms to 8). Unfrozen when the application
    stops, for a process that goes on (an application served in tests)."""
    gc.collect()
    gc.freeze()
    try:
        yield {"evaluations": anyio.CapacityLimiter(1)}
    finally:
        gc.unfreeze()


Handler = Callable[[Service, Request], Any]


def _endpoint(service: Service, handler: Handler) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        result: Response = await handler(service, request)
        return result

    endpoint.__name__ = handler.__name__.lstrip("_")
    return endpoint


# Endpoints -----------------------------------------------------------------------------------------------------------


async def _health(service: Service, request: Request) -> Response:
    return JSONResponse({"status": "ok", "rulebooks": list(service.library.years)})


async def _page(service: Service, request: Request) -> Response:
    return HTMLResponse(service.page)


async def _openapi(service: Service, request: Request) -> Response:
    return JSONResponse(service.openapi)


async def _evaluate(service: Service, request: Request) -> Response:
    pretty = _pretty(request)
    body = await _read_body(request, service.limits.body_bytes)
    eval_request = read_eval_request(parse_json(body), service.library, service.limits)
    limiter = request.state.evaluations

    def work() -> Response:
        return _json_response(_evaluated_document(eval_request, service.library, service.limits), pretty)

    result: Response = await anyio.to_thread.run_sync(work, limiter=limiter)
    return result


async def _whynot(service: Service, request: Request) -> Response:
    pretty = _pretty(request)
    body = await _read_body(request, service.limits.body_bytes)
    whynot_request = read_whynot_request(parse_json(body), service.library, service.limits)

    def work() -> Response:
        return _json_response(_whynot_document(whynot_request, service.library, service.limits), pretty)

    result: Response = await anyio.to_thread.run_sync(work, limiter=request.state.evaluations)
    return result


async def _whatif(service: Service, request: Request) -> Response:
    pretty = _pretty(request)
    body = await _read_body(request, service.limits.body_bytes)
    whatif_request = read_whatif_request(parse_json(body), service.library)

    def work() -> Response:
        return _json_response(_whatif_document(whatif_request), pretty)

    result: Response = await anyio.to_thread.run_sync(work, limiter=request.state.evaluations)
    return result


async def _rulebooks(service: Service, request: Request) -> Response:
    summaries = [{"rulebook": r.year, "title": r.title,
                  "in_force": {"from": r.in_force_from.isoformat(), "until": r.in_force_until.isoformat(),
                               "end_known": r.end_known},
                  "categories": [{"id": c.id, "name": c.name} for c in r.categories]}
                 for r in service.library.rulebooks.values()]
    return JSONResponse({"latest": service.library.latest, "rulebooks": summaries})


async def _rulebook(service: Service, request: Request) -> Response:
    pretty = _pretty(request)
    rulebook = service.library.rulebooks.get(request.path_params["year"])
    if rulebook is None:
        raise _unknown_years(service.library, {"{year}": request.path_params["year"]})
    return _json_response(rulebook_json(rulebook), pretty)


async def _diff(service: Service, request: Request) -> Response:
    pretty = _pretty(request)
    old, new = request.path_params["old"], request.path_params["new"]
    unknown = {name: year for name, year in (("{from}", old), ("{to}", new))
               if year not in service.library.rulebooks}
    if unknown:
        raise _unknown_years(service.library, unknown)
    rulebooks = service.library.rulebooks
    earlier = [rulebook for year, rulebook in sorted(rulebooks.items()) if year < rulebooks[old].year]
    return _json_response(diff_document(compare(rulebooks[old], rulebooks[new], earlier)), pretty)


async def _occupations(service: Service, request: Request) -> Response:
    return JSONResponse({"occupations": list(service.library.occupations)})


# Pieces --------------------------------------------------------------------------------------------------------------


def _evaluated_document(eval_request: EvalRequest, library: Library, limits: Limits) -> dict[str, Any]:
    """The document of `rules eval --format json` (with `--why-not` when asked) for the request; a 422 problem when
    a limit stopped it."""
    deadline = time.monotonic() + limits.seconds
    try:
        evaluated = evaluate_inputs(eval_request.inputs, eval_request.rulebooks, eval_request.as_of,
                                    eval_request.detail, deadline)
    except OutOfTime as stopped:
        total = len(eval_request.inputs) * len(eval_request.rulebooks)
        raise _out_of_time(limits, "$.profiles", f"stopped after {stopped.evaluated} of {total} evaluations") from None
    if evaluated.rejected:
        raise ApiProblem(422, "A profile made the rules do more work than one evaluation may do.",
                         [Problem(p.origin + problem.path[1:], problem.message)
                          for p in evaluated.rejected for problem in p.problems])
    document = report_document(evaluated.reports, [])
    if not eval_request.why_not:
        return document
    analysers = {id(r): Analyser(r, library.before(r)) for r in eval_request.rulebooks}
    advices = []
    for profile, rulebook, when in evaluated.pairs:
        advices.append(analyse(analysers[id(rulebook)], profile, when.day, when.note))
        if time.monotonic() > deadline:
            raise _out_of_time(limits, "$.why_not", f"stopped after {len(advices)} of {len(evaluated.pairs)} "
                                                    f"analyses")
    return with_why_not(document, advices)


def _whynot_document(whynot_request: WhyNotRequest, library: Library, limits: Limits) -> dict[str, Any]:
    """The document of `rules whynot --format json` for the request: per rulebook, then per profile, as the command
    orders them; a 422 problem when a limit stopped an analysis."""
    deadline = time.monotonic() + limits.seconds
    total = len(whynot_request.inputs) * len(whynot_request.rulebooks)
    advices, stopped = [], []
    for rulebook in whynot_request.rulebooks:
        analyser = Analyser(rulebook, library.before(rulebook))
        when = choose_as_of(rulebook, whynot_request.as_of)
        for profile in whynot_request.inputs:
            assert profile.data is not None
            try:
                advices.append(analyse(analyser, profile.data, when.day, when.note, whynot_request.category))
            except EvaluationLimit as limit:
                stopped.append(Problem(profile.origin, str(limit)))
            if time.monotonic() > deadline:
                raise _out_of_time(limits, "$.profiles", f"stopped after {len(advices)} of {total} analyses")
    if stopped:
        raise ApiProblem(422, "A profile made the rules do more work than one evaluation may do.", stopped)
    return {"results": [advice_json(advice) for advice in advices]}


def _whatif_document(whatif_request: WhatIfRequest) -> dict[str, Any]:
    """The document of `rules whatif --format json`: per rulebook, every category's and program's verdict before and
    after the patch, whether it changed, and the CRS before and after."""
    results = []
    for rulebook in whatif_request.rulebooks:
        when = choose_as_of(rulebook, whatif_request.as_of)
        try:
            result = what_if(rulebook, whatif_request.profile, whatif_request.edited, whatif_request.patch, when.day,
                             when.note)
        except EvaluationLimit as limit:
            raise ApiProblem(422, "The profile made the rules do more work than one evaluation may do.",
                             [Problem("$.profile", str(limit))]) from None
        results.append(whatif_json(result))
    return {"results": results}


def _out_of_time(limits: Limits, path: str, message: str) -> ApiProblem:
    return ApiProblem(422, f"Evaluating the profiles took longer than the {limits.seconds:g} s a request may take; "
                           f"send fewer profiles per request.", [Problem(path, message)])


def _json_response(document: Any, pretty: bool) -> Response:
    """Compact JSON; or, with `?pretty=true`, the very bytes the command prints (indented, a final newline)."""
    if pretty:
        return Response(document_text(document) + "\n", media_type="application/json")
    return JSONResponse(document)


def _pretty(request: Request) -> bool:
    value = request.query_params.get("pretty", "false")
    if value not in ("true", "false"):
        raise ApiProblem(400, "The query parameter 'pretty' is true or false.",
                         [Problem("?pretty", f"{value!r} is not one of: true, false")])
    return value == "true"


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused (415) unless it is JSON and (413) as soon as it is known to be over `limit` bytes."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        shown = f"'{media_type}'" if media_type else "no Content-Type"
        raise ApiProblem(415, f"Send the body as application/json (this request has {shown}).",
                         [Problem("$", "the body must be JSON, sent with Content-Type: application/json")])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiProblem:
    return ApiProblem(413, f"The body is larger than the {limit:,} bytes a request may send; send fewer profiles "
                           f"per request.", [Problem("$", f"more than {limit:,} bytes")])


def _unknown_years(library: Library, given: dict[str, str]) -> ApiProblem:
    known = ", ".join(library.years)
    return ApiProblem(404, f"This server holds rulebooks for {known}.",
                      [Problem(name, f"no rulebook for {year!r}; known years: {known}")
                       for name, year in given.items()])


# Errors --------------------------------------------------------------------------------------------------------------


async def _api_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiProblem)
    headers = {"connection": "close"} if error.status == 413 else None  # the rest of the body is not read
    return problem_response(error, headers)


async def _http_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = {404: f"Nothing at {request.url.path}; the API is described at /openapi.json.",
              405: f"{request.method} is not allowed on {request.url.path}."}.get(error.status_code, str(error.detail))
    return problem_response(ApiProblem(error.status_code, detail), dict(error.headers or {}))


async def _unexpected(request: Request, error: Exception) -> Response:
    return problem_response(ApiProblem(500, "The server failed to answer this request; the failure is in its log."))


class _SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response (a plain ASGI middleware: no per-request task, no body copy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
