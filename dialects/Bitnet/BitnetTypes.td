//===- BitnetTypes.td - bitnet types -----------------------*- tablegen -*-===//
#ifndef BITNET_BITNET_TYPES
#define BITNET_BITNET_TYPES

include "Bitnet/BitnetDialect.td"

def Bitnet_PackedType : TypeDef<Bitnet_Dialect, "Packed"> {
  let mnemonic = "packed";
  let summary = "a weight matrix packed into bits";
  let description = [{
    A `rows` x `cols` weight matrix W (rows = output features N, cols =
    reduction length K) with entries in {-1, +1} (`binary1`: 1 bit, bit set
    means +1) or {-1, 0, +1} (`ternary2`: 2 bits, code = w + 1, so 0b00 = -1,
    0b01 = 0, 0b10 = +1; 0b11 is invalid).

    Layout `row_major`: row n occupies ceil(cols * bits / 8) bytes starting
    at byte n * that; weight (n, k) sits at bit (k * bits) % 8 of byte
    (k * bits) / 8 of its row (least significant bits first); unused bits of
    a row's last byte are zero.

    `group_size` is the number of consecutive weights along K that share one
    weight scale: 0 means one scale for the whole matrix, `cols` one per row.

    ```mlir
    !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
    ```
  }];
  let parameters = (ins
    EnumParameter<Bitnet_PackedEncoding>:$encoding,
    EnumParameter<Bitnet_PackedLayout>:$layout,
    "int64_t":$rows,
    "int64_t":$cols,
    "int64_t":$group_size
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bits that code one weight.
    unsigned getBitsPerWeight() const;
    /// Bytes one packed row occupies.
    int64_t getRowBytes() const;
    /// The shape of the byte array that stores the matrix: [rows, rowBytes].
    SmallVector<int64_t, 2> getStorageShape() const;
  }];
}

#endif // BITNET_BITNET_TYPES
