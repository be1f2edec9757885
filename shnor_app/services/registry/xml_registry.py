"""The open data of the accreditation registry (Рособрнадзор) read as a stream.

The file (UTF-8 XML, hundreds of megabytes for the whole country) nests
``OpenData/Certificates/Certificate``; each certificate names the organisation as it is today
in ``ActualEducationOrganization`` (``Id, FullName, ShortName, HeadEduOrgId, IsBranch,
PostAddress, Phone, Email, OGRN, INN, KPP, HeadPost, HeadName, KindName, TypeName,
RegionName`` …) and carries ``StatusName``, ``RegionName`` and ``RegionCode`` itself; the
organisations of its supplements (branches among them) are read the same way wherever they
nest in the certificate.

:func:`read_registry_xml` yields one :class:`XmlOrganization` per organisation element, with
the line of the file it starts on. The reading is bounded (:class:`XmlLimits`, settings
``REGISTRY_XML_MAX_*``): elements, nesting depth, the characters of one value, seconds. A
document type declaration is refused before parsing (no entity is ever expanded: the parser
resolves none and loads no DTD, nor anything from the network), and each certificate is
dropped from memory once read, so the memory used does not grow with the file. lxml is
imported when a file is read, not with this module (the registry's pages import it in every
server worker).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

from ..errors import ServiceError
from ..limits import Deadline, fmt_count, limits_for

ORGANIZATION = "ActualEducationOrganization"
CERTIFICATE = "Certificate"
_PROLOG_BYTES = 1 << 20


class XmlRegistryError(ServiceError):
    """The file cannot be read as the registry's open data; the message is Russian."""


# elements, depth (of nesting), chars (of one value), seconds
XmlLimits = limits_for("REGISTRY_XML_MAX_", "XmlLimits")


@dataclass
class XmlOrganization:
    line: int                                   # where its element starts in the file
    fields: dict[str, str]                      # ActualEducationOrganization's children
    certificate: dict[str, str] = field(default_factory=dict)  # the certificate's own fields

    def get(self, name: str) -> str:
        return self.fields.get(name, "") or ""

    @property
    def region_name(self) -> str:
        return self.get("RegionName") or self.certificate.get("RegionName", "")

    @property
    def is_branch(self) -> bool:
        return self.get("IsBranch").strip().lower() in ("1", "true", "да")


def looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<OpenData")


class _Prefixed(io.RawIOBase):
    """The stream again, with its opening bytes (read to check the prolog) put back."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        chunk = self.rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def read_registry_xml(source: bytes | BinaryIO, limits: XmlLimits | None = None
                      ) -> Iterator[XmlOrganization]:
    """Every organisation of the file, in the file's order (see the module's notes)."""
    from lxml import etree

    limits = limits or XmlLimits.from_settings()
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    head = stream.read(_PROLOG_BYTES)
    if not head.strip():
        raise XmlRegistryError("Файл пустой.")
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise XmlRegistryError("В файле XML есть объявление типа документа (DOCTYPE) — в "
                               "открытых данных реестра его не бывает; такой файл не читается.")
    deadline = Deadline(limits.seconds, XmlRegistryError,
                        f"Файл читается дольше {fmt_count(int(limits.seconds))} с — он слишком "
                        "велик. Выгрузите организации одного региона.")
    events = etree.iterparse(
        io.BufferedReader(_Prefixed(head, stream), 1 << 16), events=("start", "end"),
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, recover=False)
    depth = 0
    elements = 0
    found_certificate = False
    certificate_orgs: list[XmlOrganization] = []
    try:
        for event, elem in events:
            if event == "start":
                depth += 1
                elements += 1
                if depth > limits.depth:
                    raise XmlRegistryError(
                        f"Строка {elem.sourceline}: элементы вложены глубже "
                        f"{limits.depth} уровней — это не открытые данные реестра.")
                if elements > limits.elements:
                    raise XmlRegistryError(f"В файле больше {fmt_count(limits.elements)} "
                                           "элементов — выгрузите организации одного региона.")
                if elements % 2048 == 0:
                    deadline.check()
                continue
            depth -= 1
            name = _local(elem.tag)
            if elem.text is not None and len(elem.text) > limits.chars:
                raise XmlRegistryError(f"Строка {elem.sourceline}: в значении больше "
                                       f"{fmt_count(limits.chars)} знаков.")
            if name == ORGANIZATION:
                values = {_local(child.tag): " ".join((child.text or "").split())
                          for child in elem if len(child) == 0}
                certificate_orgs.append(XmlOrganization(elem.sourceline or 0, values))
            elif name == CERTIFICATE:
                found_certificate = True
                own = {_local(child.tag): " ".join((child.text or "").split())
                       for child in elem if len(child) == 0}
                for org in certificate_orgs:
                    org.certificate = own
                    yield org
                certificate_orgs = []
                elem.clear()
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as err:
        line = getattr(err, "lineno", None) or getattr(err, "position", (None,))[0]
        raise XmlRegistryError(f"Файл XML повреждён (строка {line}): проверьте, что он "
                               "скачан полностью.") from None
    if not found_certificate:
        raise XmlRegistryError("В файле нет сведений об организациях (OpenData / Certificates / "
                               "Certificate) — это не открытые данные реестра аккредитации.")
