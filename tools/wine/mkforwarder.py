"""Write a tiny x64 PE DLL that only forwards exports to other DLLs (no code, no compiler needed).

Wine 8.0 has no ``bcryptprimitives.dll``, which Rust >= 1.78 binaries import for ``ProcessPrng``
(pydantic_core's extension fails with "DLL load failed ... Module not found"). A forwarder placed beside
python.exe maps it to ``advapi32.SystemFunction036`` (RtlGenRandom): same arguments (buffer, size),
and the Rust standard library ignores the return value (ProcessPrng is documented to always succeed).

    python mkforwarder.py OUT.dll ProcessPrng=advapi32.SystemFunction036 [NAME=DLL.FUNC ...]
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

SECTION_RVA = 0x1000
FILE_ALIGN = 0x200
SECTION_ALIGN = 0x1000


def _align(value: int, to: int) -> int:
    return (value + to - 1) // to * to


def forwarder_dll(dll_name: str, forwards: dict[str, str]) -> bytes:
    names = sorted(forwards)  # the export name table must be sorted (the loader binary-searches it)
    n = len(names)
    # .edata layout: directory | EAT | name pointers | ordinals | dll name | export names | targets
    eat_off = 40
    npt_off = eat_off + 4 * n
    ord_off = npt_off + 4 * n
    strings = bytearray()
    str_base = ord_off + 2 * n

    def add(text: str) -> int:
        rva = SECTION_RVA + str_base + len(strings)
        strings.extend(text.encode("ascii") + b"\0")
        return rva

    dll_name_rva = add(dll_name)
    name_rvas = [add(name) for name in names]
    target_rvas = [add(forwards[name]) for name in names]
    body = bytearray()
    body += struct.pack(
        "<IIHHIIIIIII",
        0,
        0,
        0,
        0,
        dll_name_rva,
        1,
        n,
        n,
        SECTION_RVA + eat_off,
        SECTION_RVA + npt_off,
        SECTION_RVA + ord_off,
    )
    body += b"".join(struct.pack("<I", rva) for rva in target_rvas)  # forwarders: RVAs inside .edata
    body += b"".join(struct.pack("<I", rva) for rva in name_rvas)
    body += b"".join(struct.pack("<H", i) for i in range(n))
    body += strings
    size = len(body)
    raw = bytes(body) + b"\0" * (_align(size, FILE_ALIGN) - size)

    headers_size = FILE_ALIGN
    image_size = SECTION_RVA + _align(size, SECTION_ALIGN)
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    coff = struct.pack(
        "<4sHHIIIHH", b"PE\0\0", 0x8664, 1, 0, 0, 0, 240, 0x2000 | 0x0020 | 0x0002
    )  # DLL | LARGE_ADDRESS_AWARE | EXECUTABLE_IMAGE
    optional = struct.pack(
        "<HBBIIIIIQIIHHHHHHIIIIHHQQQQII",
        0x20B,
        14,
        0,
        0,
        len(raw),
        0,
        0,
        0,
        0x6F2A0000,
        SECTION_ALIGN,
        FILE_ALIGN,
        6,
        0,
        0,
        0,
        6,
        0,
        0,
        image_size,
        headers_size,
        0,
        3,
        0x0100,  # console subsystem; NX compatible
        0x100000,
        0x1000,
        0x100000,
        0x1000,
        0,
        16,
    )
    directories = [(SECTION_RVA, size)] + [(0, 0)] * 15
    optional += b"".join(struct.pack("<II", rva, sz) for rva, sz in directories)
    assert len(optional) == 240
    section = struct.pack(
        "<8sIIIIIIHHI", b".edata", size, SECTION_RVA, len(raw), headers_size, 0, 0, 0, 0, 0x40000040
    )  # initialised data, readable
    header = bytes(dos) + coff + optional + section
    header += b"\0" * (headers_size - len(header))
    return header + raw


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    forwards = dict(arg.split("=", 1) for arg in argv[1:])
    out.write_bytes(forwarder_dll(out.name, forwards))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
