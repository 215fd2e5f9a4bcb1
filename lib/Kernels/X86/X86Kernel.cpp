//===- X86Kernel.cpp - the x86 kernel functions ---------------------------===//
//
// One function per (weight format, instruction set), on buffers. The weights
// are `tiled` (docs/packed-formats.md): a tile of R = 16 P rows is ceil(K/4)
// storage rows of 64 bytes, byte 4 l + i of storage row kb holding slot p of
// row 16 p + l at k = 4 kb + i. So a 64-byte load is 16 dword lanes of 4
// consecutive k for P rows at once, and one broadcast dword of activations
// q[m, 4 kb .. 4 kb + 3] serves all of them:
//
//   for tile t in [t0, t1), rows m in blocks of MB:
//     acc[j][p] = 0                                  (MB x P vectors of i32)
//     for kb:  w = load 64 bytes;  a[j] = broadcast q[m + j, 4 kb ..]
//              acc[j][p] += dot4(plane p of w, a[j])  for every j, p
//     out[m + j, 16 t P + 16 p + l] = finalize(acc[j][p])
//
// The planes hold codes c = w + 1 (0, 1, 2; binary1: the bit), so
// dot4 sums c * a, and sum_k w a = sum_k c a - sum_k a (binary1:
// 2 sum_k b a - sum_k a): each output subtracts the row's activation sum
// once. No weight multiplies anything; the dot-product instructions run on
// the codes:
//   Avx512: plane p of ternary2 is `w & (3 << 2p)`, i.e. c * 4^p, summed by
//           vpdpbusd and shifted right by 2p at the end (exact: every term
//           is a multiple of 4^p); binary1 likewise with 1 << p; base3
//           turns each byte into four 2-bit planes and the fifth trit with
//           vpermi2b table lookups (AVX-512 VBMI) first.
//   Avx2:   c = (w >> 2p) & 3 by 16-bit shifts, vpmaddubsw (c * a, pairs,
//           never saturating: |2 * 2 * 128| < 2^15), vpmaddwd by ones into
//           dwords; a tile in two halves of 8 lanes. base3 divides by 3
//           with 16-bit multiplies by 171 (floor(v / 3) = v 171 >> 9 for
//           v < 256).
//   Scalar: one weight at a time, adds and subtracts.
// K % 4 != 0: the last block reads its activations with zero padding, so
// the padding codes contribute nothing.
//
//===----------------------------------------------------------------------===//
#include "X86Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "bitnet/model.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::x86;

uint64_t x86::getRequiredFeatures(Isa isa, PackedEncoding encoding) {
  switch (isa) {
  case Isa::Avx512:
    return BITNET_CPU_X86_AVX2 | BITNET_CPU_X86_AVX512 |
           BITNET_CPU_X86_AVX512VNNI |
           (encoding == PackedEncoding::TernaryBase3 ? BITNET_CPU_X86_AVX512VBMI
                                                     : 0);
  case Isa::Avx2:
    return BITNET_CPU_X86_AVX2;
  case Isa::Scalar:
    return 0;
  }
  llvm_unreachable("unknown isa");
}

StringRef x86::getTargetFeatures(Isa isa, PackedEncoding encoding) {
  switch (isa) {
  case Isa::Avx512:
    return encoding == PackedEncoding::TernaryBase3
               ? "+avx,+avx2,+fma,+f16c,+bmi2,+avx512f,+avx512bw,+avx512dq,"
                 "+avx512vl,+avx512cd,+avx512vnni,+avx512vbmi,+avx512vbmi2"
               : "+avx,+avx2,+fma,+f16c,+bmi2,+avx512f,+avx512bw,+avx512dq,"
                 "+avx512vl,+avx512cd,+avx512vnni";
  case Isa::Avx2:
    return "+avx,+avx2,+fma,+f16c,+bmi2";
  case Isa::Scalar:
    return "";
  }
  llvm_unreachable("unknown isa");
}

StringRef x86::getIsaName(Isa isa) {
  switch (isa) {
  case Isa::Avx512:
    return "avx512";
  case Isa::Avx2:
    return "avx2";
  case Isa::Scalar:
    return "scalar";
  }
  llvm_unreachable("unknown isa");
}

namespace {

/// What every emitter needs to know about the weights.
struct Shape {
  explicit Shape(PackedType format)
      : encoding(format.getEncoding()), rows(format.getRows()),
        cols(format.getCols()), blockRows(format.getBlockRows()),
        planes(format.getWeightsPerByte()), kBlocks((cols + 3) / 4),
        fullBlocks(cols / 4), tail(cols % 4) {}
  PackedEncoding encoding;
  int64_t rows, cols, blockRows, planes, kBlocks, fullBlocks, tail;
  int64_t tiles() const { return (rows + blockRows - 1) / blockRows; }
};

/// Builders for the values the kernels share.
struct Builder {
  ImplicitLocOpBuilder &b;

  Value index(int64_t value) { return arith::ConstantIndexOp::create(b, value); }
  Value i32(int64_t value) {
    return arith::ConstantIntOp::create(b, b.getI32Type(), value);
  }
  /// A splat vector constant of `count` elements of `bits`-bit integers.
  Value splat(int64_t count, unsigned bits, int64_t value) {
    auto type = VectorType::get({count}, b.getIntegerType(bits));
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(type, b.getIntegerAttr(type.getElementType(),
                                                         value)));
  }
  Value bitcast(Value value, int64_t count, unsigned bits) {
    return vector::BitCastOp::create(
        b, VectorType::get({count}, b.getIntegerType(bits)), value);
  }
  Value intrinsic(StringRef name, Type result, ValueRange args) {
    return LLVM::CallIntrinsicOp::create(b, result, b.getStringAttr(name),
                                         args)
        .getResult(0);
  }
};

/// sum_k q[m, k] as i32 (the codes' offset: w = c - 1).
Value emitActivationSum(Builder &x, Value q, Value m, int64_t cols) {
  ImplicitLocOpBuilder &b = x.b;
  constexpr int64_t chunk = 64;
  auto i8Chunk = VectorType::get({chunk}, b.getI8Type());
  auto i32Chunk = VectorType::get({chunk}, b.getI32Type());
  Value zero = x.i32(0);
  auto addChunk = [&](ImplicitLocOpBuilder &lb, Value acc, Value k,
                      bool padded) {
    Value bytes;
    if (padded) {
      Value pad = arith::ConstantIntOp::create(lb, lb.getI8Type(), 0);
      bytes = vector::TransferReadOp::create(lb, i8Chunk, q, ValueRange{m, k},
                                             pad, ArrayRef<bool>{false});
    } else {
      bytes = vector::LoadOp::create(lb, i8Chunk, q, ValueRange{m, k});
    }
    Value wide = arith::ExtSIOp::create(lb, i32Chunk, bytes);
    Value sum = vector::ReductionOp::create(lb, vector::CombiningKind::ADD,
                                            wide);
    return arith::AddIOp::create(lb, acc, sum).getResult();
  };
  int64_t full = cols / chunk * chunk;
  Value acc = zero;
  if (full > 0) {
    auto loop = scf::ForOp::create(
        b, x.index(0), x.index(full), x.index(chunk), ValueRange{zero},
        [&](OpBuilder &ob, Location loc, Value k, ValueRange args) {
          ImplicitLocOpBuilder lb(loc, ob);
          scf::YieldOp::create(lb, addChunk(lb, args.front(), k, false));
        });
    acc = loop.getResult(0);
  }
  if (full < cols)
    acc = addChunk(b, acc, x.index(full), true);
  return acc;
}

//===----------------------------------------------------------------------===//
// The vector kernels (Avx512, Avx2)
//===----------------------------------------------------------------------===//

class VectorKernel {
public:
  VectorKernel(ImplicitLocOpBuilder &b, Shape shape, Isa isa, Value q, Value w,
               Value out)
      : x{b}, s(shape), q(q), w(w), out(out) {
    avx512 = isa == Isa::Avx512;
    lanes = avx512 ? 16 : 8;
    bytes = 4 * lanes;
    parts = kTileLanes / lanes;
    // Accumulators in registers: MB rows x P planes (zmm: 32 registers,
    // ymm: 16).
    rowsPerPass = !avx512 ? 1 : s.planes == 4 ? 4 : 2;
  }

  void emit(Value tileBegin, Value tileEnd) {
    ImplicitLocOpBuilder &b = x.b;
    Value m = memref::DimOp::create(b, q, 0);
    Value blocked = x.index(rowsPerPass);
    Value mBlocked = arith::MulIOp::create(
        b, arith::DivUIOp::create(b, m, blocked), blocked);
    emitRowLoop(x.index(0), mBlocked, rowsPerPass, tileBegin, tileEnd);
    if (rowsPerPass > 1)
      emitRowLoop(mBlocked, m, 1, tileBegin, tileEnd);
  }

private:
  void emitRowLoop(Value lower, Value upper, int64_t mb, Value tileBegin,
                   Value tileEnd) {
    ImplicitLocOpBuilder &b = x.b;
    scf::ForOp::create(
        b, lower, upper, x.index(mb), ValueRange{},
        [&](OpBuilder &ob, Location loc, Value m0, ValueRange) {
          ImplicitLocOpBuilder lb(loc, ob);
          Builder inner{lb};
          SmallVector<Value> rowsM, sums;
          for (int64_t j = 0; j < mb; ++j) {
            rowsM.push_back(j ? Value(arith::AddIOp::create(lb, m0,
                                                            inner.index(j)))
                              : m0);
            sums.push_back(emitActivationSum(inner, q, rowsM.back(), s.cols));
          }
          scf::ForOp::create(
              lb, tileBegin, tileEnd, inner.index(1), ValueRange{},
              [&](OpBuilder &tb, Location tl, Value tile, ValueRange) {
                ImplicitLocOpBuilder tlb(tl, tb);
                for (int64_t part = 0; part < parts; ++part)
                  emitTilePart(tlb, tile, part, rowsM, sums);
                scf::YieldOp::create(tlb);
              });
          scf::YieldOp::create(lb);
        });
  }

  /// The lanes [part * lanes, (part + 1) * lanes) of one tile.
  void emitTilePart(ImplicitLocOpBuilder &b, Value tile, int64_t part,
                    ArrayRef<Value> rowsM, ArrayRef<Value> sums) {
    Builder t{b};
    auto accType = VectorType::get({lanes}, b.getI32Type());
    Value zero = arith::ConstantOp::create(b, DenseElementsAttr::get(
                                                  accType, b.getI32IntegerAttr(0)));
    int64_t mb = rowsM.size();
    SmallVector<Value> init(mb * s.planes, zero);
    Value base = arith::MulIOp::create(b, tile, t.index(s.kBlocks));
    Value column = t.index(part * bytes);
    SmallVector<Value> accs = init;
    if (s.fullBlocks > 0) {
      auto loop = scf::ForOp::create(
          b, t.index(0), t.index(s.fullBlocks), t.index(1), init,
          [&](OpBuilder &ob, Location loc, Value kb, ValueRange args) {
            ImplicitLocOpBuilder lb(loc, ob);
            scf::YieldOp::create(
                lb, emitBlock(lb, base, column, kb, rowsM, args, false));
          });
      accs.assign(loop.getResults().begin(), loop.getResults().end());
    }
    if (s.tail > 0)
      accs = emitBlock(b, base, column, t.index(s.fullBlocks), rowsM, accs,
                       true);
    emitStores(b, tile, part, rowsM, sums, accs);
  }

  /// One k block (4 k): the accumulators after it.
  SmallVector<Value> emitBlock(ImplicitLocOpBuilder &b, Value base,
                               Value column, Value kb, ArrayRef<Value> rowsM,
                               ValueRange accs, bool padded) {
    Builder t{b};
    Value row = arith::AddIOp::create(b, base, kb);
    auto byteType = VectorType::get({bytes}, b.getI8Type());
    Value weights = vector::LoadOp::create(b, byteType, w,
                                           ValueRange{row, column});
    SmallVector<Value> planes = decodePlanes(t, weights);
    Value k = arith::MulIOp::create(b, kb, t.index(4));
    SmallVector<Value> next;
    for (auto [j, m] : llvm::enumerate(rowsM)) {
      Value act = broadcastActivations(t, m, k, padded);
      for (int64_t p = 0; p < s.planes; ++p)
        next.push_back(dot(t, accs[j * s.planes + p], planes[p], act));
    }
    return next;
  }

  /// q[m, k .. k + 3] in every dword lane, as bytes.
  Value broadcastActivations(Builder &t, Value m, Value k, bool padded) {
    ImplicitLocOpBuilder &b = t.b;
    auto four = VectorType::get({4}, b.getI8Type());
    Value word;
    if (padded) {
      Value pad = arith::ConstantIntOp::create(b, b.getI8Type(), 0);
      word = vector::TransferReadOp::create(b, four, q, ValueRange{m, k}, pad,
                                            ArrayRef<bool>{false});
    } else {
      word = vector::LoadOp::create(b, four, q, ValueRange{m, k});
    }
    Value dword = vector::ExtractOp::create(b, t.bitcast(word, 1, 32),
                                            ArrayRef<int64_t>{0});
    Value lanesOfDword = vector::BroadcastOp::create(
        b, VectorType::get({lanes}, b.getI32Type()), dword);
    return t.bitcast(lanesOfDword, bytes, 8);
  }

  /// The P byte vectors dot4 reads: codes, scaled by planeScaleLog2 on
  /// Avx512 (masked in place), at scale 1 on Avx2 (shifted down).
  SmallVector<Value> decodePlanes(Builder &t, Value weights) {
    if (s.encoding == PackedEncoding::TernaryBase3)
      return avx512 ? decodeBase3Lookup(t, weights)
                    : decodeBase3Divide(t, weights);
    unsigned bits = s.encoding == PackedEncoding::Binary1 ? 1 : 2;
    SmallVector<Value> planes;
    for (int64_t p = 0; p < s.planes; ++p)
      planes.push_back(extractPlane(t, weights, p, bits));
    return planes;
  }

  /// Plane p of `bits`-bit codes packed in bytes.
  Value extractPlane(Builder &t, Value weights, int64_t p, unsigned bits) {
    ImplicitLocOpBuilder &b = t.b;
    int64_t mask = (1 << bits) - 1;
    if (avx512)
      return arith::AndIOp::create(b, weights,
                                   t.splat(bytes, 8, mask << (p * bits)));
    // No byte shifts: shift 16-bit words, then mask each byte.
    Value shifted = weights;
    if (p > 0) {
      Value words = t.bitcast(weights, bytes / 2, 16);
      words = arith::ShRUIOp::create(b, words,
                                     t.splat(bytes / 2, 16, p * bits));
      shifted = t.bitcast(words, bytes, 8);
    }
    return arith::AndIOp::create(b, shifted, t.splat(bytes, 8, mask));
  }

  /// ternary_base3 on AVX-512 VBMI: byte v = sum c_i 3^i -> the byte of its
  /// first four trits as 2-bit planes (a 256-entry table: two vpermi2b of
  /// 128 entries each, chosen by bit 7) and the fifth trit v / 81.
  SmallVector<Value> decodeBase3Lookup(Builder &t, Value weights) {
    ImplicitLocOpBuilder &b = t.b;
    auto byteType = VectorType::get({64}, b.getI8Type());
    auto table = [&](int64_t first) {
      SmallVector<int8_t> entries;
      for (int64_t v = first; v < first + 64; ++v) {
        int64_t packed = 0, rest = v;
        for (int64_t i = 0; i < 4; ++i, rest /= 3)
          packed |= (rest % 3) << (2 * i);
        entries.push_back(static_cast<int8_t>(v <= 242 ? packed : 0));
      }
      return arith::ConstantOp::create(
          b, DenseElementsAttr::get(byteType, ArrayRef<int8_t>(entries)));
    };
    Value low = t.intrinsic("llvm.x86.avx512.vpermi2var.qi.512", byteType,
                            {table(0), weights, table(64)});
    Value high = t.intrinsic("llvm.x86.avx512.vpermi2var.qi.512", byteType,
                             {table(128), weights, table(192)});
    Value isHigh = arith::CmpIOp::create(b, arith::CmpIPredicate::slt, weights,
                                         t.splat(64, 8, 0));
    Value four = arith::SelectOp::create(b, isHigh, high, low);
    SmallVector<Value> planes;
    for (int64_t p = 0; p < 4; ++p)
      planes.push_back(extractPlane(t, four, p, 2));
    planes.push_back(fifthTrit(t, weights));
    return planes;
  }

  /// v / 81 for v <= 242: (v >= 81) + (v >= 162), unsigned.
  Value fifthTrit(Builder &t, Value v) {
    ImplicitLocOpBuilder &b = t.b;
    Value one = t.splat(bytes, 8, 1), zero = t.splat(bytes, 8, 0);
    auto atLeast = [&](int64_t bound) {
      Value ge = arith::CmpIOp::create(b, arith::CmpIPredicate::uge, v,
                                       t.splat(bytes, 8, bound));
      return arith::SelectOp::create(b, ge, one, zero).getResult();
    };
    return arith::AddIOp::create(b, atLeast(81), atLeast(162));
  }

  /// ternary_base3 without table lookups: trit i = floor(v / 3^i) mod 3,
  /// with floor(x / 3) = x * 171 >> 9 on 16-bit words (exact for x < 256),
  /// even and odd bytes apart.
  SmallVector<Value> decodeBase3Divide(Builder &t, Value weights) {
    ImplicitLocOpBuilder &b = t.b;
    int64_t words = bytes / 2;
    Value lowByte = t.splat(words, 16, 0xff);
    Value magic = t.splat(words, 16, 171), nine = t.splat(words, 16, 9);
    Value eight = t.splat(words, 16, 8);
    auto divideBy3 = [&](Value v) {
      Value asWords = t.bitcast(v, words, 16);
      Value even = arith::AndIOp::create(b, asWords, lowByte);
      Value odd = arith::ShRUIOp::create(b, asWords, eight);
      auto third = [&](Value x) {
        return arith::ShRUIOp::create(b, arith::MulIOp::create(b, x, magic),
                                      nine)
            .getResult();
      };
      Value combined = arith::OrIOp::create(
          b, third(even), arith::ShLIOp::create(b, third(odd), eight));
      return t.bitcast(combined, bytes, 8);
    };
    SmallVector<Value> planes;
    Value rest = weights;
    for (int64_t i = 0; i < 4; ++i) {
      Value quotient = divideBy3(rest);
      Value thrice = arith::AddIOp::create(
          b, arith::AddIOp::create(b, quotient, quotient), quotient);
      planes.push_back(arith::SubIOp::create(b, rest, thrice));
      rest = quotient;
    }
    planes.push_back(rest);
    return planes;
  }

  /// acc + dot4(codes, act) per dword lane.
  Value dot(Builder &t, Value acc, Value codes, Value act) {
    ImplicitLocOpBuilder &b = t.b;
    auto accType = VectorType::get({lanes}, b.getI32Type());
    if (avx512)
      return t.intrinsic("llvm.x86.avx512.vpdpbusd.512", accType,
                         {acc, codes, act});
    Value pairs = t.intrinsic("llvm.x86.avx2.pmadd.ub.sw",
                              VectorType::get({16}, b.getI16Type()),
                              {codes, act});
    Value quads = t.intrinsic("llvm.x86.avx2.pmadd.wd", accType,
                              {pairs, t.splat(16, 16, 1)});
    return arith::AddIOp::create(b, acc, quads);
  }

  /// log2 of the scale plane p's codes carry on Avx512 (masked in place).
  int64_t planeScaleLog2(int64_t p) const {
    if (!avx512)
      return 0;
    switch (s.encoding) {
    case PackedEncoding::Binary1:
      return p;
    case PackedEncoding::Ternary2:
      return 2 * p;
    case PackedEncoding::TernaryBase3:
      return p < 4 ? 2 * p : 0;
    }
    llvm_unreachable("unknown encoding");
  }

  void emitStores(ImplicitLocOpBuilder &b, Value tile, int64_t part,
                  ArrayRef<Value> rowsM, ArrayRef<Value> sums,
                  ArrayRef<Value> accs) {
    Builder t{b};
    Value tileRow = arith::MulIOp::create(b, tile, t.index(s.blockRows));
    Value rows = t.index(s.rows);
    auto maskType = VectorType::get({lanes}, b.getI1Type());
    auto accType = VectorType::get({lanes}, b.getI32Type());
    for (int64_t p = 0; p < s.planes; ++p) {
      Value first = arith::AddIOp::create(
          b, tileRow, t.index(p * kTileLanes + part * lanes));
      // Lanes past the last row are not stored.
      Value left = arith::SubIOp::create(b, rows, first);
      Value count = arith::MinSIOp::create(
          b, arith::MaxSIOp::create(b, left, t.index(0)), t.index(lanes));
      Value mask = vector::CreateMaskOp::create(b, maskType, ValueRange{count});
      for (auto [j, m] : llvm::enumerate(rowsM)) {
        Value acc = accs[j * s.planes + p];
        if (int64_t shift = planeScaleLog2(p))
          acc = arith::ShRSIOp::create(b, acc, t.splat(lanes, 32, shift));
        if (s.encoding == PackedEncoding::Binary1)
          acc = arith::AddIOp::create(b, acc, acc);
        Value sum = vector::BroadcastOp::create(b, accType, sums[j]);
        Value result = arith::SubIOp::create(b, acc, sum);
        vector::MaskedStoreOp::create(b, out, ValueRange{m, first}, mask,
                                      result);
      }
    }
  }

  Builder x;
  Shape s;
  Value q, w, out;
  bool avx512;
  int64_t lanes, bytes, parts, rowsPerPass;
};

//===----------------------------------------------------------------------===//
// The scalar kernel
//===----------------------------------------------------------------------===//

/// For CPUs without AVX2: one weight at a time from its slot, added or
/// subtracted (binary1: bit set adds).
void emitScalarKernel(ImplicitLocOpBuilder &b, Shape s, Value q, Value w,
                      Value out, Value tileBegin, Value tileEnd) {
  Builder x{b};
  Value m = memref::DimOp::create(b, q, 0);
  Value one = x.index(1);
  auto forRange = [&](ImplicitLocOpBuilder &ob, Value lower, Value upper,
                      function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
    scf::ForOp::create(ob, lower, upper, x.index(1), ValueRange{},
                       [&](OpBuilder &lb, Location loc, Value iv, ValueRange) {
                         ImplicitLocOpBuilder ib(loc, lb);
                         body(ib, iv);
                         scf::YieldOp::create(ib);
                       });
  };
  forRange(b, tileBegin, tileEnd, [&](ImplicitLocOpBuilder &tb, Value tile) {
    Builder t{tb};
    Value base = arith::MulIOp::create(tb, tile, t.index(s.kBlocks));
    forRange(tb, t.index(0), t.index(s.blockRows), [&](ImplicitLocOpBuilder &rb,
                                                       Value r) {
      Builder rbx{rb};
      Value n = arith::AddIOp::create(
          rb, arith::MulIOp::create(rb, tile, rbx.index(s.blockRows)), r);
      Value inRange = arith::CmpIOp::create(rb, arith::CmpIPredicate::slt, n,
                                            rbx.index(s.rows));
      auto ifOp = scf::IfOp::create(rb, inRange, /*withElse=*/false);
      ImplicitLocOpBuilder ib(rb.getLoc(), ifOp.thenBlock(),
                              ifOp.thenBlock()->begin());
      Builder i{ib};
      Value lane4 = arith::MulIOp::create(
          ib, arith::RemUIOp::create(ib, r, i.index(kTileLanes)), i.index(4));
      Value slot = arith::DivUIOp::create(ib, r, i.index(kTileLanes));
      Value slot8 = arith::IndexCastOp::create(ib, ib.getI8Type(), slot);
      forRange(ib, i.index(0), m, [&](ImplicitLocOpBuilder &mb, Value row) {
        Builder mbx{mb};
        Value zero = mbx.i32(0);
        auto loop = scf::ForOp::create(
            mb, mbx.index(0), mbx.index(s.cols), one, ValueRange{zero},
            [&](OpBuilder &kb, Location loc, Value k, ValueRange args) {
              ImplicitLocOpBuilder lb(loc, kb);
              Builder l{lb};
              Value storageRow = arith::AddIOp::create(
                  lb, base, arith::DivUIOp::create(lb, k, l.index(4)));
              Value storageColumn = arith::AddIOp::create(
                  lb, lane4, arith::RemUIOp::create(lb, k, l.index(4)));
              Value byte = memref::LoadOp::create(
                  lb, w, ValueRange{storageRow, storageColumn});
              Value code;
              Type i8 = lb.getI8Type();
              if (s.encoding == PackedEncoding::TernaryBase3) {
                // byte / 3^slot % 3, unsigned.
                code = byte;
                for (int64_t p = 1; p < s.planes; ++p) {
                  Value divided = arith::DivUIOp::create(
                      lb, code, arith::ConstantIntOp::create(lb, i8, 3));
                  Value past = arith::CmpIOp::create(
                      lb, arith::CmpIPredicate::uge, slot8,
                      arith::ConstantIntOp::create(lb, i8, p));
                  code = arith::SelectOp::create(lb, past, divided, code);
                }
                code = arith::RemUIOp::create(
                    lb, code, arith::ConstantIntOp::create(lb, i8, 3));
              } else {
                unsigned bits =
                    s.encoding == PackedEncoding::Binary1 ? 1 : 2;
                Value shift = slot8;
                if (bits == 2)
                  shift = arith::AddIOp::create(lb, slot8, slot8);
                code = arith::AndIOp::create(
                    lb, arith::ShRUIOp::create(lb, byte, shift),
                    arith::ConstantIntOp::create(lb, i8, (1 << bits) - 1));
              }
              Value a = arith::ExtSIOp::create(
                  lb, lb.getI32Type(),
                  memref::LoadOp::create(lb, q, ValueRange{row, k}));
              Value acc = args.front();
              Value plus = arith::AddIOp::create(lb, acc, a);
              Value minus = arith::SubIOp::create(lb, acc, a);
              Value next;
              if (s.encoding == PackedEncoding::Binary1) {
                Value set = arith::CmpIOp::create(
                    lb, arith::CmpIPredicate::ne, code,
                    arith::ConstantIntOp::create(lb, i8, 0));
                next = arith::SelectOp::create(lb, set, plus, minus);
              } else {
                Value isPlus = arith::CmpIOp::create(
                    lb, arith::CmpIPredicate::eq, code,
                    arith::ConstantIntOp::create(lb, i8, 2));
                Value isMinus = arith::CmpIOp::create(
                    lb, arith::CmpIPredicate::eq, code,
                    arith::ConstantIntOp::create(lb, i8, 0));
                next = arith::SelectOp::create(
                    lb, isPlus, plus,
                    arith::SelectOp::create(lb, isMinus, minus, acc));
              }
              scf::YieldOp::create(lb, next);
            });
        memref::StoreOp::create(mb, loop.getResult(0), out, ValueRange{row, n});
      });
    });
  });
}

} // namespace

std::pair<MemRefType, MemRefType>
x86::getKernelOperandTypes(MemRefType q, MemRefType out) {
  if (q.hasStaticShape() && out.hasStaticShape() &&
      q.getLayout().isIdentity() && out.getLayout().isIdentity())
    return {q, out};
  MLIRContext *context = q.getContext();
  auto rowStrided = StridedLayoutAttr::get(context, ShapedType::kDynamic,
                                           {ShapedType::kDynamic, 1});
  return {MemRefType::get({ShapedType::kDynamic, q.getDimSize(1)},
                          q.getElementType(), rowStrided),
          MemRefType::get({ShapedType::kDynamic, out.getDimSize(1)},
                          out.getElementType(), rowStrided)};
}

func::FuncOp x86::getOrCreateKernel(ModuleOp module, PackedType format,
                                    Isa isa, MemRefType qType,
                                    MemRefType outType) {
  Shape s(format);
  std::string rows = qType.hasStaticShape()
                         ? ("_m" + Twine(qType.getDimSize(0))).str()
                         : std::string();
  std::string name =
      ("bitnet_x86_" + getIsaName(isa) + "_" +
       stringifyPackedEncoding(format.getEncoding()) + rows + "_n" +
       Twine(s.rows) + "_k" + Twine(s.cols))
          .str();
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  MLIRContext *context = module.getContext();
  OpBuilder ob(module.getBody(), module.getBody()->end());
  ImplicitLocOpBuilder b(module.getLoc(), ob);
  Type i8 = b.getI8Type();
  auto wType = MemRefType::get(format.getStorageShape(), i8);
  Type index = b.getIndexType();
  auto func = func::FuncOp::create(
      b, name, FunctionType::get(context, {qType, wType, outType, index, index},
                                 {}));
  func.setPrivate();
  if (StringRef features = getTargetFeatures(isa, format.getEncoding());
      !features.empty()) {
    SmallVector<StringRef> list;
    features.split(list, ',');
    func->setAttr("target_features",
                  LLVM::TargetFeaturesAttr::get(context, list));
  }
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value q = entry->getArgument(0), w = entry->getArgument(1),
        out = entry->getArgument(2), begin = entry->getArgument(3),
        end = entry->getArgument(4);
  if (isa == Isa::Scalar) {
    emitScalarKernel(b, s, q, w, out, begin, end);
  } else {
    VectorKernel kernel(b, s, isa, q, w, out);
    kernel.emit(begin, end);
  }
  func::ReturnOp::create(b);
  return func;
}
