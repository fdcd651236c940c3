"""Upload limits: documents up to 20 MB, images up to 40 megapixels, with a clear form error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_the_defaults(settings):
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * MB
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * MB


def png(width, height) -> bytes:
    # A 1-bit blank image: a few kilobytes on disk, WIDTH x HEIGHT pixels when decoded.
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_document_over_20_mb_is_refused_with_a_form_error(admin_client):
    upload = SimpleUploadedFile("big.pdf", b"%" * (20 * MB + 1), "application/pdf")
    response = admin_client.post("/admin/documents/add/", {"title": "Big", "file": upload})
    assert response.status_code == 200  # the form again, with the error
    assert "Maximum filesize 20.0\xa0MB" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_a_document_of_20_mb_is_accepted(admin_client):
    upload = SimpleUploadedFile("fine.pdf", b"%" * (20 * MB), "application/pdf")
    response = admin_client.post("/admin/documents/add/", {"title": "Fine", "file": upload})
    assert response.status_code == 302
    assert get_document_model().objects.get().title == "Fine"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_over_40_megapixels_is_refused_with_a_form_error(admin_client):
    data = png(11_000, 11_000)
    assert len(data) < 200_000  # small on disk: only the pixel count can stop it
    upload = SimpleUploadedFile("bomb.png", data, "image/png")
    response = admin_client.post("/admin/images/add/", {"title": "Bomb", "file": upload})
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_refuses_it_too(admin_client):
    upload = SimpleUploadedFile("bomb.png", png(7_000, 6_000), "image/png")
    response = admin_client.post("/admin/images/multiple/add/", {"files[]": upload})
    assert response.json()["success"] is False
    assert "too many pixels" in response.json()["error_message"]
    assert not get_image_model().objects.exists()


def test_an_image_under_the_limit_is_accepted(admin_client):
    upload = SimpleUploadedFile("ok.png", png(2_000, 1_000), "image/png")
    response = admin_client.post("/admin/images/add/", {"title": "Fine", "file": upload})
    assert response.status_code == 302
    assert get_image_model().objects.get().width == 2_000
