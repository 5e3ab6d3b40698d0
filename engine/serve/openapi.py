"""The API's OpenAPI 3.1 document, served at `/openapi.json`.

OpenAPI 3.1 schemas are JSON Schema 2020-12, the dialect of the profile schema, so the shipped
`profile.schema.json` goes in with one change: its `$defs` become schemas of their own (`ProfileJob`, ...) and its
`$ref`s point at them, because OpenAPI tools resolve `#/...` against the OpenAPI document, not against the embedded
schema's `$id`. A client thus validates a profile against exactly what the server validates it against. The shipped
`report.schema.json` goes in the same way as the answer of `POST /v1/eval` (`EvalResponse`, `ReportStatement`, ...).
"""

from __future__ import annotations

import copy
from typing import Any

from engine.explain.graph import report_schema
from engine.model.profile import profile_schema
from engine.serve.patches import MAX_OPERATIONS, MAX_VALUES, OPERATIONS
from engine.serve.requests import DETAILS, Limits

VERSION = "1"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


_PRETTY = {"name": "pretty", "in": "query", "required": False, "schema": {"enum": ["true", "false"]},
           "description": "`true`: the bytes `rules ... --format json` prints (indented, with a final newline). "
                          "Default: the same document without indentation."}


def _year(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
            "description": description}


def openapi_document(years: tuple[str, ...], limits: Limits) -> dict[str, Any]:
    """The document for a server holding rulebooks for `years` and enforcing `limits`."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Express Entry rules",
            "version": VERSION,
            "description": "Evaluate candidate profiles against the Express Entry category-based selection rules, "
                           "with an explanation of every verdict, what would change each verdict, and what an edit of "
                           "a profile changes; read the rulebooks and what changed between two of them. Every "
                           "document is the one the `rules` command prints with `--format json`. Errors are RFC "
                           "9457 problem documents that name each problem by its JSON path in the request.",
        },
        "paths": _paths(years, limits),
        "components": {"schemas": _schemas(limits)},
    }


def _paths(years: tuple[str, ...], limits: Limits) -> dict[str, Any]:
    known = ", ".join(years)
    return {
        "/v1/eval": {"post": {
            "operationId": "evaluate",
            "summary": "Evaluate profiles: what `rules eval --format json` prints",
            "description": f"At most {limits.profiles} profiles and {limits.body_bytes:,} bytes per request; "
                           f"evaluating them may take at most {limits.seconds:g} s.",
            "parameters": [_PRETTY],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("EvalRequest")}}},
            "responses": {
                "200": _json(_ref("EvalResponse"), "A verdict per category, with explanations, per profile and "
                                                   "rulebook."),
                "400": _problem("The body is not UTF-8 JSON."),
                "413": _problem(f"The body is larger than {limits.body_bytes:,} bytes."),
                "415": _problem("The body is not sent as application/json."),
                "422": _problem("The request or a profile has problems (each named by its JSON path), or "
                                "evaluating it went over a limit."),
            },
        }},
        "/v1/whynot": {"post": {
            "operationId": "whyNot",
            "summary": "What would change each verdict: what `rules whynot --format json` prints",
            "description": f"For each category a profile does not meet, the smallest changes of its facts that would "
                           f"meet it, each as a JSON Patch with the verdict it promises and the day it holds from (or "
                           f"why nothing within reach can); the changes that raise the CRS most; and, for the "
                           f"categories met, the rounds of the rulebook and of the year before. At most "
                           f"{limits.profiles} profiles and {limits.body_bytes:,} bytes per request; the analyses "
                           f"may take at most {limits.seconds:g} s.",
            "parameters": [_PRETTY],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("WhyNotRequest")}}},
            "responses": {
                "200": _json(_ref("WhyNotResponse"), "An analysis per profile and rulebook."),
                **_refusals(limits, "The request or a profile has problems (each named by its JSON path), or an "
                                    "analysis went over a limit."),
            },
        }},
        "/v1/whatif": {"post": {
            "operationId": "whatIf",
            "summary": "A profile with edits: what `rules whatif --format json` prints",
            "description": f"The profile is evaluated as it is and with the patch (RFC 6902 JSON Patch; at most "
                           f"{MAX_OPERATIONS} operations, leaving at most {MAX_VALUES:,} values), and every "
                           f"category's and program's verdict and the CRS are given before and after, each marked "
                           f"when it changed. A suggestion's `patch` from `/v1/whynot` can be sent as it is.",
            "parameters": [_PRETTY],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("WhatIfRequest")}}},
            "responses": {
                "200": _json(_ref("WhatIfResponse"), "Verdicts and CRS before and after, per rulebook."),
                **_refusals(limits, "The request, the profile or the patch has problems, or the profile the patch "
                                    "leaves does (each named by its JSON path)."),
            },
        }},
        "/v1/rulebooks": {"get": {
            "operationId": "listRulebooks",
            "summary": "The rulebooks this server holds",
            "responses": {"200": _json(_ref("RulebookList"), f"Here: {known}.")},
        }},
        "/v1/rulebooks/{year}": {"get": {
            "operationId": "showRulebook",
            "summary": "One rulebook: what `rules show --year YEAR --format json` prints",
            "parameters": [_year("year", f"A year this server holds ({known})."), _PRETTY],
            "responses": {"200": _json(_ref("Rulebook"), "The compiled rulebook."),
                          "404": _problem("No rulebook for that year.")},
        }},
        "/v1/diff/{from}/{to}": {"get": {
            "operationId": "diffRulebooks",
            "summary": "What changed between two rulebooks: what `rules diff FROM TO --format json` prints",
            "parameters": [_year("from", "The older rulebook's year."), _year("to", "The newer rulebook's year."),
                           _PRETTY],
            "responses": {"200": _json({"type": "object", "required": ["diff"],
                                        "properties": {"diff": {"type": "object"}}},
                                       "Categories, occupations, rules, sources and rounds that changed."),
                          "404": _problem("No rulebook for one of the years.")},
        }},
        "/v1/occupations": {"get": {
            "operationId": "listOccupations",
            "summary": "Every occupation on a list of some rulebook (for a search by NOC code or title)",
            "responses": {"200": _json({"type": "object", "required": ["occupations"], "properties": {
                "occupations": {"type": "array", "items": _ref("Occupation")}}}, "By NOC code.")},
        }},
        "/healthz": {"get": {
            "operationId": "health",
            "summary": "Whether the server is up, and the rulebooks it holds",
            "responses": {"200": _json({"type": "object", "required": ["status", "rulebooks"], "properties": {
                "status": {"const": "ok"}, "rulebooks": {"type": "array", "items": {"type": "string"}}}},
                "Up.")},
        }},
    }


def _refusals(limits: Limits, unprocessable: str) -> dict[str, Any]:
    return {"400": _problem("The body is not UTF-8 JSON."),
            "413": _problem(f"The body is larger than {limits.body_bytes:,} bytes."),
            "415": _problem("The body is not sent as application/json."),
            "422": _problem(unprocessable)}


def profile_schemas() -> dict[str, Any]:
    """The profile schema as OpenAPI components: `Profile`, and one `Profile...` schema per definition."""
    shipped = copy.deepcopy(profile_schema())
    definitions = shipped.pop("$defs")
    for key in ("$schema", "$id"):
        shipped.pop(key)
    names = {name: "Profile" + name.title().replace("_", "") for name in definitions}

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: _ref(names[value.removeprefix("#/$defs/")])["$ref"] if key == "$ref" else rewrite(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    return {"Profile": rewrite(shipped), **{names[name]: rewrite(schema) for name, schema in definitions.items()}}


def report_schemas() -> dict[str, Any]:
    """The shipped report schema as OpenAPI components: `EvalResponse`, and one `Report...` schema per definition
    (`ReportStatement`, ...); a result's `why_not` is the `WhyNot` the API describes."""
    shipped = copy.deepcopy(report_schema())
    definitions = shipped.pop("$defs")
    for key in ("$schema", "$id"):
        shipped.pop(key)
    definitions["result"]["properties"]["why_not"] = {
        "allOf": [_ref("WhyNot")], "description": "With `why_not`: the analysis `rules whynot --format json` gives."}
    names = {name: "Report" + name.title().replace("_", "") for name in definitions}

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: _ref(names[value.removeprefix("#/$defs/")])["$ref"]
                    if key == "$ref" and value.startswith("#/$defs/") else rewrite(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    return {"EvalResponse": rewrite(shipped),
            **{names[name]: rewrite(schema) for name, schema in definitions.items()}}


def _schemas(limits: Limits) -> dict[str, Any]:
    year = {"type": "string", "pattern": "^[0-9]{4}$"}
    years = {"description": "A year, or several; default: the rulebook in force on the as-of date.",
             "oneOf": [year, {"type": "array", "minItems": 1, "items": year}]}
    as_of = {"type": "string", "format": "date",
             "description": "Default: today, within the rulebook's in-force period."}
    operation = {"type": "object", "required": ["op", "path"], "description": "An RFC 6902 operation.",
                 "properties": {"op": {"enum": list(OPERATIONS)}, "path": {"type": "string"},
                                "from": {"type": "string"}, "value": {}}}
    reason = {"type": "object", "required": ["rule", "description", "source", "cites", "change"],
              "description": "A rule that makes a change necessary (or that nothing within reach can meet).",
              "properties": {"rule": {"type": "string"}, "description": {"type": "string"},
                             "source": {"type": "string"}, "cites": {"type": "array", "items": {"type": "string"}},
                             "change": {"type": ["string", "null"]}}}
    suggestion = {"type": "object", "required": ["kind", "summary", "patch", "holds_from", "promise", "because"],
                  "properties": {
                      "kind": {"type": "string"}, "summary": {"type": "string"},
                      "patch": {"type": "array", "items": _ref("PatchOperation")},
                      "holds_from": {"type": "string", "format": "date"},
                      "promise": {"type": "object", "description": "`category` and `verdict`, or `crs` and `gain`."},
                      "because": {"type": "array", "items": _ref("Reason")},
                      "note": {"type": "string"}}}
    category_advice = {"type": "object", "required": ["id", "name", "verdict", "suggestions", "blockers"],
                       "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                      "verdict": {"enum": ["eligible", "not_eligible", "undetermined"]},
                                      "confidence": {"enum": ["high", "medium_high", "medium", "low"],
                                                     "description": "As in the category's verdict."},
                                      "third_party_sources": {"type": "array", "items": {"type": "object"},
                                                              "description": "As in the category's verdict."},
                                      "suggestions": {"type": "array", "items": _ref("Suggestion")},
                                      "blockers": {"type": "array", "items": _ref("Reason")}}}
    why_not = {"type": "object", "required": ["profile", "rulebook", "as_of", "categories", "standing"],
               "properties": {
                   "profile": {"type": "string"}, "rulebook": year, "as_of": {"type": "string", "format": "date"},
                   "as_of_note": {"type": "string"},
                   "categories": {"type": "array", "items": category_advice},
                   "crs": {"type": "object", "required": ["version", "total", "what_ifs"], "properties": {
                       "version": {"type": "string"}, "total": {"type": ["integer", "null"]},
                       "note": {"type": "string"}, "what_ifs": {"type": "array", "items": _ref("Suggestion")}}},
                   "standing": {"type": "array", "items": {"type": "object"},
                                "description": "For each category met: its rounds, and whether the score would have "
                                               "been invited in each."}}}
    change = {"type": "object", "required": ["id", "before", "after", "changed"], "properties": {
        "id": {"type": "string"}, "before": {"enum": ["eligible", "not_eligible", "undetermined"]},
        "after": {"enum": ["eligible", "not_eligible", "undetermined"]}, "changed": {"type": "boolean"}}}
    whatif = {"type": "object", "required": ["profile", "rulebook", "as_of", "patch", "categories", "programs", "crs"],
              "properties": {
                  "profile": {"type": "string"}, "rulebook": year, "as_of": {"type": "string", "format": "date"},
                  "as_of_note": {"type": "string"}, "patch": {"type": "array", "items": _ref("PatchOperation")},
                  "categories": {"type": "array", "items": change}, "programs": {"type": "array", "items": change},
                  "crs": {"type": "object", "required": ["before", "after", "change"], "properties": {
                      "before": {"type": ["integer", "null"]}, "after": {"type": ["integer", "null"]},
                      "change": {"type": ["integer", "null"]}}}}}
    in_force = {"type": "object", "required": ["from", "until"], "properties": {
        "from": {"type": "string", "format": "date"}, "until": {"type": "string", "format": "date"}}}
    return {
        **profile_schemas(),
        "EvalRequest": {
            "type": "object", "required": ["profiles"], "additionalProperties": False,
            "properties": {
                "profiles": {"type": "array", "minItems": 1, "maxItems": limits.profiles, "items": _ref("Profile")},
                "year": years,
                "as_of": as_of,
                "explain": {"enum": list(DETAILS), "default": "full"},
                "why_not": {"type": "boolean", "default": False,
                            "description": "Add each result's `why_not`: for each category not met, the smallest "
                                           "changes that would meet it, the CRS what-ifs and the rounds of the "
                                           "categories met (as `rules eval --why-not`)."},
            },
        },
        **report_schemas(),
        "WhyNotRequest": {
            "type": "object", "required": ["profiles"], "additionalProperties": False,
            "properties": {
                "profiles": {"type": "array", "minItems": 1, "maxItems": limits.profiles, "items": _ref("Profile")},
                "year": years,
                "as_of": as_of,
                "category": {"type": "string", "description": "Only this category (an id every rulebook asked for "
                                                              "holds). Default: every category."},
            },
        },
        "WhyNotResponse": {"type": "object", "required": ["results"], "properties": {
            "results": {"type": "array", "items": _ref("WhyNot")}}},
        "WhyNot": why_not,
        "Suggestion": suggestion,
        "Reason": reason,
        "PatchOperation": operation,
        "WhatIfRequest": {
            "type": "object", "required": ["profile", "patch"], "additionalProperties": False,
            "properties": {
                "profile": _ref("Profile"),
                "patch": {"type": "array", "maxItems": MAX_OPERATIONS, "items": _ref("PatchOperation"),
                          "description": "RFC 6902 operations, applied in order; the profile they leave is validated "
                                         "as any profile is."},
                "year": years,
                "as_of": as_of,
            },
        },
        "WhatIfResponse": {"type": "object", "required": ["results"], "properties": {
            "results": {"type": "array", "items": whatif}}},
        "RulebookList": {"type": "object", "required": ["latest", "rulebooks"], "properties": {
            "latest": year,
            "rulebooks": {"type": "array", "items": {
                "type": "object", "required": ["rulebook", "title", "in_force", "categories"], "properties": {
                    "rulebook": year, "title": {"type": "string"}, "in_force": in_force,
                    "categories": {"type": "array", "items": {"type": "object", "required": ["id", "name"],
                                                              "properties": {"id": {"type": "string"},
                                                                             "name": {"type": "string"}}}}}}}}},
        "Rulebook": {"type": "object", "required": ["rulebook", "title", "in_force", "sources", "categories"],
                     "properties": {"rulebook": year, "title": {"type": "string"}, "in_force": in_force,
                                    "sources": {"type": "array"}, "categories": {"type": "array"},
                                    "rounds": {"type": "array"}}},
        "Occupation": {"type": "object", "required": ["noc", "title", "teer", "lists"], "properties": {
            "noc": {"type": "string", "pattern": "^[0-9]{5}$"}, "title": {"type": "string"},
            "teer": {"type": "integer", "minimum": 0, "maximum": 5},
            "lists": {"type": "array", "items": {"type": "object", "required": ["rulebook", "list", "title"],
                                                 "properties": {"rulebook": year, "list": {"type": "string"},
                                                                "title": {"type": "string"}}}}}},
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "detail"],
            "description": "An RFC 9457 problem document.",
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"},
                "problems": {"type": "array", "items": {
                    "type": "object", "required": ["path", "message"], "properties": {
                        "path": {"type": "string", "description": "The JSON path of the problem in the request "
                                                                  "body (`$.profiles[0].date_of_birth`), or the "
                                                                  "name of a URL parameter (`{year}`, `?pretty`)."},
                        "message": {"type": "string"}}}},
            },
        },
    }
