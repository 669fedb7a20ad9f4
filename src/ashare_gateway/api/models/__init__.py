"""Request bodies as pydantic models: one module per dialect, validated by the project's own rules.

Why models and not FastAPI's own body parsing: the body is read by the strict JSON reader of
``api/requests.py`` (duplicate keys, NaN, depth, surrogates), then given to :func:`parse`. Every field
validator raises the project's :class:`~ashare_gateway.domain.errors.GatewayError` with the spec's text
(``缺少必填参数：price``), which pydantic lets through unchanged, so fields are checked in declaration order
and the first problem is the answer, exactly as before. The OpenAPI request schema comes from the same
class (:func:`request_body`), so what ``/openapi.json`` documents is what the route reads, and a field
the model does not declare never reaches the service.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ...domain import messages as msg
from ...domain.errors import InvalidParameter


class RequestModel(BaseModel):
    """A request body. Unknown fields are ignored (the spec's clients send extras, e.g. easytrader)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _every_field_present(cls, data: Any) -> Any:
        """Give each declared field a value (None when absent), so its own validator says it is missing:
        pydantic's "missing" would be collected, and a later field's error reported first."""
        if isinstance(data, dict):
            data = cls.prepare(data)
            return {**data, **{name: data.get(name) for name in cls.model_fields}}
        return data

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        """A dialect's renaming before the fields are read (an alias, fields nested under ``kwargs``)."""
        return data

    def as_body(self) -> dict[str, Any]:
        """The checked values the service reads, without the absent optional ones."""
        return {name: value for name, value in self.model_dump().items() if value is not None}


M = TypeVar("M", bound=RequestModel)


def parse(model: type[M], body: dict[str, Any], **context: Any) -> M:
    """``body`` checked by ``model``; ``context`` carries what the fields need but the body lacks (side)."""
    try:
        return model.model_validate(body, context=context)
    except ValidationError as exc:  # a shape no validator of ours handled: name the field, never a 422
        errors = exc.errors()
        name = ".".join(str(p) for p in errors[0]["loc"]) if errors else "参数"
        raise InvalidParameter(msg.BAD_PARAM.format(name=name, detail="")) from None


def request_body(model: type[RequestModel], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` as the route's JSON body (the route reads it itself)."""
    schema = copy.deepcopy(_body_schema(model))  # the caller's own copy: FastAPI merges it into the document
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


@functools.cache
def _body_schema(model: type[RequestModel]) -> dict[str, Any]:
    """``model``'s JSON schema, made once per process: pydantic builds it in milliseconds, and every app
    (each listener, each restart in one process) declares every route's body again."""
    return _inlined(model.model_json_schema(mode="validation"))


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its nested models (``$defs``, e.g. the OCO legs) written in place: the body is
    merged into the OpenAPI document as it is, where a ``#/$defs/...`` reference would point nowhere."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(
                    {**defs[ref.removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
                )
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def query_parameters(model: type[RequestModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model``'s fields as query parameters (the ths dialect's GET form)."""
    schema = _query_schema(model)
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        field = {k: v for k, v in prop.items() if k not in ("title", "default", "description")}
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": prop.get("description", ""),
                "schema": field,
            }
        )
    return {"parameters": copy.deepcopy(parameters)}


@functools.cache
def _query_schema(model: type[RequestModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation")


__all__ = ["M", "RequestModel", "parse", "query_parameters", "request_body"]
