"""Hostile image files, written in bounded memory (a bomb must not go off in the test itself)."""

import struct
import zlib
from pathlib import Path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(path: Path, width: int, height: int, bit_depth: int = 16) -> Path:
    """A grayscale PNG of zeros: a few hundred KB on disk, width*height pixels when decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * bit_depth // 8)  # filter byte + zero samples
    body = bytearray()
    for _ in range(height):
        body += compressor.compress(row)
    body += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", bytes(body)) + _chunk(b"IEND", b""))
    return path


def dicom_dataset(rows: int, columns: int, **elements):
    """A minimal 16-bit MONOCHROME2 dataset (no pixel data) with ``elements`` set on it."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    for key, value in elements.items():
        setattr(ds, key, value)
    return ds


def dicom_file(path: Path, pixels, **elements) -> Path:
    ds = dicom_dataset(*pixels.shape, **elements)
    ds.PixelData = pixels.astype("uint16").tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def deflated_dicom_bomb(path: Path, side: int) -> Path:
    """A Deflated Explicit VR Little Endian DICOM of side x side 16-bit zeros, streamed to disk."""
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    ds = dicom_dataset(side, side)
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    meta = DicomBytesIO()
    meta.is_little_endian, meta.is_implicit_VR = True, False
    write_file_meta_info(meta, ds.file_meta, enforce_standard=True)
    body = DicomBytesIO()
    body.is_little_endian, body.is_implicit_VR = True, False
    write_dataset(body, ds)
    pixel_bytes = side * side * 2
    pixel_header = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, pixel_bytes)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    with path.open("wb") as handle:
        handle.write(b"\x00" * 128 + b"DICM" + meta.getvalue())
        handle.write(compressor.compress(body.getvalue() + pixel_header))
        zeros = b"\x00" * (1 << 20)
        for _ in range(pixel_bytes // len(zeros)):
            handle.write(compressor.compress(zeros))
        handle.write(compressor.compress(b"\x00" * (pixel_bytes % len(zeros))) + compressor.flush())
    return path
