"""One spelling per DOI, ISBN and URL, so annotations find their reference."""

from __future__ import annotations

import pytest

from annotations.identifiers import identifier_key, source_iri


@pytest.mark.parametrize(
    ("given", "key"),
    [
        pytest.param("https://doi.org/10.1093/ABC.1", "doi:10.1093/abc.1", id="doi-url"),
        pytest.param("http://dx.doi.org/10.1093/abc.1", "doi:10.1093/abc.1", id="dx-doi"),
        pytest.param("doi:10.1093/abc.1", "doi:10.1093/abc.1", id="doi-prefix"),
        pytest.param("10.1093/abc.1", "doi:10.1093/abc.1", id="bare-doi"),
        pytest.param("urn:isbn:978-0-19-539155-4", "isbn:9780195391554", id="isbn-urn"),
        pytest.param("ISBN 0-19-539155-X", "isbn:019539155X", id="isbn-10"),
        pytest.param("http://www.Example.org/a/", "url:https://example.org/a", id="url"),
        pytest.param("https://example.org/a#frag", "url:https://example.org/a", id="fragment"),
        pytest.param("urn:florilegium:citekey:freeze2009", "citekey:freeze2009", id="citekey"),
        pytest.param("  ", None, id="empty"),
    ],
)
def test_identifier_spellings_share_one_key(given: str, key: str | None) -> None:
    assert identifier_key(given) == key


def test_source_iri_prefers_doi_then_url_then_isbn_then_citekey() -> None:
    assert source_iri("k", doi="10.1093/abc", url="https://x.org") == "https://doi.org/10.1093/abc"
    assert source_iri("k", url="https://x.org/a") == "https://x.org/a"
    assert source_iri("k", isbn="978-0-19-539155-4") == "urn:isbn:9780195391554"
    assert source_iri("k") == "urn:florilegium:citekey:k"
    assert identifier_key(source_iri("k", doi="https://doi.org/10.1093/abc")) == "doi:10.1093/abc"
