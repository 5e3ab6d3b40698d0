"""What the API answers when it cannot do what was asked: an RFC 9457 problem document naming every problem by its
JSON path in the request body (`$.profiles[0].date_of_birth`), never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import JSONResponse

from engine.model.profile import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
# The titles of the statuses the API answers with, in the words of RFC 9110.
TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
          415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error"}


class ApiProblem(Exception):
    """Raised by a handler to answer with `status` and the problems found; `detail` says what to do about them."""

    def __init__(self, status: int, detail: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = tuple(problems)


def problem_document(status: int, detail: str, problems: Sequence[Problem] = ()) -> dict[str, Any]:
    document: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
                                "detail": detail}
    if problems:
        document["problems"] = [{"path": p.path, "message": p.message} for p in problems]
    return document


def problem_response(problem: ApiProblem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(problem_document(problem.status, problem.detail, problem.problems), status_code=problem.status,
                        media_type=PROBLEM_MEDIA_TYPE, headers=headers)
