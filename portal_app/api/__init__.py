"""Plain HTTP routes served in the same process as the pages, under /api."""
from portal_app.api.guard import RequestGuard
from portal_app.api.origin_check import OriginCheck
from portal_app.api.page_language import PageLanguage
from portal_app.api.routes import build_api
from portal_app.api.upload_limits import UploadItemLimit

__all__ = ["build_api", "OriginCheck", "PageLanguage", "RequestGuard", "UploadItemLimit"]
