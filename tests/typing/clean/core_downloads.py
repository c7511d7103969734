"""Downloads: bytes in memory, to a file, or streamed."""

from pathlib import Path

from basecamp import Client, DownloadInfo, DownloadResult

with Client(access_token="...") as client:
    account = client.for_account(1)
    upload = account.uploads.get(upload_id=2)
    url = upload.get("download_url")  # NotRequired in the model: narrow it
    if url is not None:
        result: DownloadResult = account.download_url(url)
        print(len(result.body), result.content_type, result.filename)
        info: DownloadInfo = account.download_to(url, Path("brief.txt"))
        print(info.content_length + 1)
        for chunk in account.iter_download(url):
            print(len(chunk))
