"""The write path serialises a decline from plain composed data instead of models; the text
must be exactly what the models would write."""

from datetime import timedelta

from hypothesis import given, settings

from app import ids
from app.compose.decline import compose, compose_fields
from app.compose.environment import template_version
from app.schemas import Decline, DeclineRequest, decline_document
from tests.compose.strategies import NOW, requests


@settings(max_examples=150, deadline=None, derandomize=True)
@given(request=requests())
def test_the_document_is_what_the_models_would_write(request: DeclineRequest) -> None:
    decline_id = ids.new_id(NOW + timedelta(milliseconds=123))
    created_at = ids.created_at(decline_id)
    composition = compose(request, now=NOW)
    modelled = Decline(
        id=decline_id,
        created_at=created_at,
        request=request,
        messages=composition.messages,
        guidance=composition.guidance,
        template_version=template_version(),
    )
    messages, guidance = compose_fields(request, now=NOW)
    document = decline_document(
        id=decline_id,
        created_at=created_at,
        request=request,
        messages=messages,
        guidance=guidance,
        template_version=template_version(),
    )
    assert document == modelled.model_dump_json()
    assert Decline.model_validate_json(document) == modelled
