//===- BitnetTypes.td - bitnet types -----------------------*- tablegen -*-===//
#ifndef BITNET_BITNET_TYPES
#define BITNET_BITNET_TYPES

include "Bitnet/BitnetAttrs.td"

def Bitnet_PackedType : TypeDef<Bitnet_Dialect, "Packed"> {
  let mnemonic = "packed";
  let summary = "a weight matrix packed into bits";
  let description = [{
    A `rows` x `cols` weight matrix W (rows = output features N, cols =
    reduction length K) with entries in {-1, +1} or {-1, 0, +1}.

    Encodings (docs/packed-formats.md has byte-level examples):
    - `binary1`: 1 bit, bit set means +1, clear -1; 8 weights per byte.
    - `ternary2`: 2 bits, code = w + 1 (0b00 = -1, 0b01 = 0, 0b10 = +1;
      0b11 is invalid); 4 weights per byte.
    - `ternary_base3`: 5 weights per byte (1.6 bits), byte =
      sum_i (w_i + 1) * 3^i for the weights i = 0..4 of the byte, so a byte
      is at most 242.
    Weight k of a row lies in byte k / P (P weights per byte), slot k % P;
    slot s is bits [s * bits, (s + 1) * bits) for the bit encodings and
    base-3 digit s for `ternary_base3`. The slots of a row's last byte past
    weight cols - 1 are zero (bits, or base-3 digits: the byte is then below
    3^used).

    Layouts (every row takes rowBytes = ceil(cols / P) bytes):
    - `row_major`: byte j of row n at storage [n, j]; storage
      [rows, rowBytes]. `block_rows` is 1.
    - `row_interleaved`: rows in tiles of R = `block_rows` (>= 2); byte j
      of row n at storage [(n / R) * rowBytes + j, n % R], so one storage
      row holds the same byte of R consecutive weight rows (one SIMD lane
      per output). Storage [ceil(rows / R) * rowBytes, R]; the bytes of the
      padding rows of the last tile are zero.
    - `tiled` (what the SIMD and GPU kernels stream): a byte holds P weights
      of P different rows at the same k, one per slot; rows come in tiles of
      R = `block_rows` = L * P (L lanes), and k in blocks of 4. Row n of
      tile t = n / R lies in lane l = (n % R) % L and slot p = (n % R) / L;
      weight (n, k) is slot p of storage [t * ceil(cols / 4) + k / 4,
      4 * l + k % 4]. So one storage row of 4 L bytes holds 4 consecutive k
      of R rows: each 4-byte lane feeds one 32-bit lane of a 4-way dot
      product (vpdpbusd, sdot, dp4a) for P rows at once. Storage
      [ceil(rows / R) * ceil(cols / 4), 4 L]; padding rows and k are zero.

    `group_size` is the number of consecutive weights along K that share one
    weight scale: 0 means one scale for the whole matrix, `cols` one per row.

    ```mlir
    !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
    !bitnet.packed<encoding = ternary_base3, layout = row_interleaved, rows = 30, cols = 64, group_size = 0, block_rows = 16>
    ```
  }];
  let parameters = (ins
    EnumParameter<Bitnet_PackedEncoding>:$encoding,
    EnumParameter<Bitnet_PackedLayout>:$layout,
    "int64_t":$rows,
    "int64_t":$cols,
    "int64_t":$group_size,
    DefaultValuedParameter<"int64_t", "1">:$block_rows
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Weights coded in one byte: 8, 4 or 5.
    int64_t getWeightsPerByte() const;
    /// Bits that code one weight (binary1, ternary2); 0 for ternary_base3.
    unsigned getBitsPerWeight() const;
    /// Bytes one packed row occupies.
    int64_t getRowBytes() const;
    /// The shape of the byte array that stores the matrix (see layouts).
    SmallVector<int64_t, 2> getStorageShape() const;
    /// The storage index [row, column] of byte `byte` of weight row `row`
    /// (row_major and row_interleaved).
    std::pair<int64_t, int64_t> getStorageIndex(int64_t row,
                                                int64_t byte) const;
    /// Where weight (row, k) is coded: storage [row, column], slot.
    struct WeightLocation {
      int64_t row, column, slot;
    };
    WeightLocation getWeightLocation(int64_t row, int64_t k) const;
    /// `tiled`: lanes per tile (block_rows / weights per byte).
    int64_t getTileLanes() const;
  }];
}

#endif // BITNET_BITNET_TYPES
