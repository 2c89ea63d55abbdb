"""Every file dialog of the app: Qt's own dialog that never reads a file and never shows the store.

SQLite's locks are POSIX locks: they belong to the process, and closing ANY handle on a file
drops every lock the process holds on it. A platform or Qt file dialog that opens the store's
`-wal`/`-shm` files (or the database) to guess their type and icon silently unlocks the store;
another process may then checkpoint and delete the WAL under the running app and its later
commits are lost (SQLite, "How To Corrupt An SQLite Database File", 2.2). So every dialog here:

- is Qt's widget dialog (`DontUseNativeDialog`), whose model we control;
- has an icon provider that decides icon and type from the name and `stat` only, never content;
- hides the store's files (database, `-wal`, `-shm`, `-journal`, audit head) from the listing;
- starts in the user's documents folder (never the folder that holds the store) unless the
  caller names another safe folder.

Tests replace `FileDialog.exec`, never click through a real modal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from PySide6.QtCore import (
    QFileInfo,
    QMimeDatabase,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStandardPaths,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QFileSystemModel, QStyle

from shop_orders.domain.messages import t
from shop_orders.ui.dialogs import exec_once

# Names SQLite and the audit chain keep beside a database: hidden wherever they appear.
HIDDEN_SUFFIXES = ("-wal", "-shm", "-journal", ".audit-head.json")


def is_hidden(path: Path, protected: Sequence[Path] = ()) -> bool:
    """True for the store's own files (and any SQLite sidecar), which no dialog may list."""
    return path.name.endswith(HIDDEN_SUFFIXES) or any(path == p for p in protected)


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name and stat alone: never opens a file to sniff it."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        # built here on the UI thread: Qt asks for icons from its file-info thread too
        self._icons = {
            "dir": style.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
            "file": style.standardIcon(QStyle.StandardPixmap.SP_FileIcon),
            "drive": style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon),
            "computer": style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon),
        }
        self._mime = QMimeDatabase()

    def icon(self, what) -> QIcon:  # noqa: D102 - both overloads: IconType or QFileInfo
        if isinstance(what, QFileInfo):
            if what.isRoot():
                return self._icons["drive"]
            return self._icons["dir" if what.isDir() else "file"]
        kind = QAbstractFileIconProvider.IconType
        return {kind.Computer: self._icons["computer"], kind.Drive: self._icons["drive"],
                kind.Folder: self._icons["dir"]}.get(what, self._icons["file"])

    def type(self, info: QFileInfo) -> str:  # noqa: A003 - Qt's name
        if info.isDir():
            return t("Folder")
        # the bare name with MatchExtension: Qt cannot reach the file to read its first bytes
        mime = self._mime.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension)
        return mime.comment() if not mime.isDefault() else t("File")


class HideStoreFiles(QSortFilterProxyModel):
    """Drops the store's files from a file dialog's listing (by name; no file is opened)."""

    def __init__(self, protected: Sequence[Path], parent=None) -> None:
        super().__init__(parent)
        self.protected = [Path(p) for p in protected]

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt's name
        model = cast(QFileSystemModel, self.sourceModel())  # the file dialog's own model
        index = model.index(row, 0, parent)
        return not is_hidden(Path(model.filePath(index)), self.protected)


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(found) if found else Path.home()
    return path if path.is_dir() else Path.home()


def safe_start(folder: Path | None, protected: Sequence[Path]) -> Path:
    """`folder` if it exists and holds none of the store's files, else the user's documents."""
    if folder is not None and folder.is_dir() and all(Path(p).parent != folder for p in protected):
        return folder
    return documents_folder()


class FileDialog(QFileDialog):
    """The one file dialog of the app (see the module docstring for why it is built this way)."""

    def __init__(self, parent, title: str, name_filter: str, *, protected: Sequence[Path],
                 save: bool, start: Path | None = None, suggested_name: str = "") -> None:
        super().__init__(parent, title)
        self.setObjectName("saveFileDialog" if save else "openFileDialog")
        # the provider must be in place before a folder is listed, so the folder comes last
        self.setOptions(QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.DontResolveSymlinks)
        self._provider = NameOnlyIconProvider()
        self.setIconProvider(self._provider)
        self.setProxyModel(HideStoreFiles(protected, self))
        self.setNameFilter(name_filter)
        if save:
            self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.setFileMode(QFileDialog.FileMode.AnyFile)
        else:
            self.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
            self.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.setDirectory(str(safe_start(start, protected)))
        if suggested_name:
            self.selectFile(suggested_name)

    def chosen(self) -> Path | None:
        files = self.selectedFiles()
        return Path(files[0]) if files else None

    @classmethod
    def ask_open(cls, parent, title: str, name_filter: str, *, protected: Sequence[Path],
                 start: Path | None = None) -> Path | None:
        d = cls(parent, title, name_filter, protected=protected, save=False, start=start)
        return d.chosen() if exec_once(d) == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_save(cls, parent, title: str, name_filter: str, *, protected: Sequence[Path],
                 suggested_name: str, start: Path | None = None) -> Path | None:
        d = cls(parent, title, name_filter, protected=protected, save=True, start=start,
                suggested_name=suggested_name)
        return d.chosen() if exec_once(d) == QDialog.DialogCode.Accepted else None
