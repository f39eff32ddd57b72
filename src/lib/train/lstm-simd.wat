;; The training kernels of the wasm backend in WebAssembly SIMD (train/lstm-simd.ts embeds the binary; the
;; unit test compiles this file and checks that the two agree, and checks each kernel against the plain-JS
;; kernels of lstm-kernels-cpu.ts). The memory is imported: the wasm backend's own heap where it can be
;; shared (tensors are read and written in place), else a memory of lstm-simd.ts's own.
;; Pointers are byte offsets; row lengths (g, n) are multiples of 4 floats. scripts/lstm-simd-binary.ts
;; also builds a relaxed-SIMD variant in which `gemm`'s multiply-adds, written `(f32x4.add (local.get $cRJ)
;; (f32x4.mul (local.get $x) (local.get $bJ)))`, become `f32x4.relaxed_madd`: keep that exact form.
(module
  (import "env" "memory" (memory 1))

  ;; out[r] = bias + the sum of kernel rows ids[r·k … r·k+k−1] (−1: no row), for r < rows; g floats a row.
  (func (export "gather") (param $kernel i32) (param $bias i32) (param $ids i32) (param $out i32)
    (param $rows i32) (param $k i32) (param $g i32)
    (local $r i32) (local $q i32) (local $o i32) (local $src i32) (local $j i32) (local $bytes i32) (local $id i32)
    (local.set $bytes (i32.shl (local.get $g) (i32.const 2)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.ge_u (local.get $j) (local.get $bytes)))
            (v128.store (i32.add (local.get $o) (local.get $j)) (v128.load (i32.add (local.get $bias) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $bloop)))
        (local.set $q (i32.const 0))
        (block $qdone
          (loop $qloop
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $k)))
            (local.set $id (i32.load (i32.add (local.get $ids)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $q)) (i32.const 2)))))
            (if (i32.ge_s (local.get $id) (i32.const 0))
              (then
                (local.set $src (i32.add (local.get $kernel) (i32.mul (local.get $id) (local.get $bytes))))
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.ge_u (local.get $j) (local.get $bytes)))
                    (v128.store (i32.add (local.get $o) (local.get $j))
                      (f32x4.add (v128.load (i32.add (local.get $o) (local.get $j)))
                        (v128.load (i32.add (local.get $src) (local.get $j)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $jloop)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $qloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; The gradients of `gather`: each row r of dz added to bg and to the rows ids[r·k …] of kg (both zeroed
  ;; by the caller).
  (func (export "scatter") (param $dz i32) (param $ids i32) (param $kg i32) (param $bg i32)
    (param $rows i32) (param $k i32) (param $g i32)
    (local $r i32) (local $q i32) (local $src i32) (local $dst i32) (local $j i32) (local $bytes i32) (local $id i32)
    (local.set $bytes (i32.shl (local.get $g) (i32.const 2)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $src (i32.add (local.get $dz) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.ge_u (local.get $j) (local.get $bytes)))
            (v128.store (i32.add (local.get $bg) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $bg) (local.get $j)))
                (v128.load (i32.add (local.get $src) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $bloop)))
        (local.set $q (i32.const 0))
        (block $qdone
          (loop $qloop
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $k)))
            (local.set $id (i32.load (i32.add (local.get $ids)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $q)) (i32.const 2)))))
            (if (i32.ge_s (local.get $id) (i32.const 0))
              (then
                (local.set $dst (i32.add (local.get $kg) (i32.mul (local.get $id) (local.get $bytes))))
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.ge_u (local.get $j) (local.get $bytes)))
                    (v128.store (i32.add (local.get $dst) (local.get $j))
                      (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                        (v128.load (i32.add (local.get $src) (local.get $j)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $jloop)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $qloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

;; dst [cols, rows] = the transpose of src [rows, cols]: 4 × 4 blocks through two rounds of shuffles, in
  ;; 32 × 32 tiles so that the rows read and written stay in cache (row by row, 4096 × 1024 took 40–80 ms);
  ;; then the rows and columns past the last whole block one float at a time.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $r4 i32) (local $c4 i32) (local $sb i32) (local $db i32)
    (local $r0 i32) (local $c0 i32) (local $rEnd i32) (local $cEnd i32)
    (local $a v128) (local $b v128) (local $x v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $p i32) (local $s i32)
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    ;; Row strides in bytes.
    (local.set $sb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $db (i32.shl (local.get $rows) (i32.const 2)))
    (block $r0done
      (loop $r0loop
        (br_if $r0done (i32.ge_u (local.get $r0) (local.get $r4)))
        (local.set $rEnd (select (i32.add (local.get $r0) (i32.const 32)) (local.get $r4)
          (i32.lt_u (i32.add (local.get $r0) (i32.const 32)) (local.get $r4))))
        (local.set $c0 (i32.const 0))
        (block $c0done
          (loop $c0loop
            (br_if $c0done (i32.ge_u (local.get $c0) (local.get $c4)))
            (local.set $cEnd (select (i32.add (local.get $c0) (i32.const 32)) (local.get $c4)
              (i32.lt_u (i32.add (local.get $c0) (i32.const 32)) (local.get $c4))))
            (local.set $r (local.get $r0))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $r) (local.get $rEnd)))
                (local.set $c (local.get $c0))
                (block $cdone
                  (loop $cloop
                    (br_if $cdone (i32.ge_u (local.get $c) (local.get $cEnd)))
                    (local.set $s (i32.add (local.get $src)
                      (i32.add (i32.mul (local.get $r) (local.get $sb)) (i32.shl (local.get $c) (i32.const 2)))))
                    (local.set $a (v128.load (local.get $s)))
                    (local.set $b (v128.load (i32.add (local.get $s) (local.get $sb))))
                    (local.set $x (v128.load (i32.add (local.get $s) (i32.shl (local.get $sb) (i32.const 1)))))
                    (local.set $d (v128.load (i32.add (local.get $s) (i32.mul (local.get $sb) (i32.const 3)))))
                    ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = x0 d0 x1 d1, t3 = x2 d2 x3 d3.
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $d)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $d)))
                    (local.set $p (i32.add (local.get $dst)
                      (i32.add (i32.mul (local.get $c) (local.get $db)) (i32.shl (local.get $r) (i32.const 2)))))
                    (v128.store (local.get $p)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store (i32.add (local.get $p) (local.get $db))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store (i32.add (local.get $p) (i32.shl (local.get $db) (i32.const 1)))
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store (i32.add (local.get $p) (i32.mul (local.get $db) (i32.const 3)))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))
                    (br $cloop)))
                (local.set $r (i32.add (local.get $r) (i32.const 4)))
                (br $rloop)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 32)))
            (br $c0loop)))
        ;; Columns past the last whole block, for the rows of this tile.
        (local.set $r (local.get $r0))
        (block $edone
          (loop $eloop
            (br_if $edone (i32.ge_u (local.get $r) (local.get $rEnd)))
            (local.set $c (local.get $c4))
            (block $sdone
              (loop $sloop
                (br_if $sdone (i32.ge_u (local.get $c) (local.get $cols)))
                (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows))
                    (local.get $r)) (i32.const 2)))
                  (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols))
                    (local.get $c)) (i32.const 2)))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $sloop)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $eloop)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
        (br $r0loop)))
    ;; Rows past the last whole block, every column.
    (local.set $r (local.get $r4))
    (block $tdone
      (loop $tloop
        (br_if $tdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $udone
          (loop $uloop
            (br_if $udone (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows))
                (local.get $r)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols))
                (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $uloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tloop))))

  ;; One LSTM step forward for b lanes of n units (lstm-kernels-cpu.ts `cellForward`): z = xp + keep·mm
  ;; [b, 4n] (gates i, f, c, o), cPrev [b, n], keep [b] (0 starts a song: the state is taken as zero).
  ;; Writes h, c, tc = tanh(c) [b, n] and the activated gates [b, 4n].
  ;; Each e^x is written out in place (a call per four lanes made the step 1.5–2 × slower in V8): model/
  ;; matvec.wat's exponential, x clamped to [-87.3, 88.3], x = n·ln 2 + r, e^r by Cephes's expf polynomial,
  ;; 2^n written into the exponent bits; within two units in the last place of float32. σ(x) = 1 / (1 + e^−x),
  ;; tanh x = (e^2x − 1) / (e^2x + 1).
  (func (export "cell") (param $mm i32) (param $xp i32) (param $cPrev i32) (param $keep i32)
    (param $h i32) (param $c i32) (param $gates i32) (param $tc i32) (param $b i32) (param $n i32)
    (local $l i32) (local $j i32) (local $q i32) (local $zr i32) (local $sr i32) (local $k v128)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $cn v128) (local $t v128)
    (local $a i32) (local $m i32) (local $w i32)
    (local $ex v128) (local $en v128) (local $er v128) (local $ep v128) (local $ee v128)
    (local.set $q (i32.shl (local.get $n) (i32.const 2)))
    (block $ldone
      (loop $lloop
        (br_if $ldone (i32.ge_u (local.get $l) (local.get $b)))
        (local.set $k (f32x4.splat (f32.load (i32.add (local.get $keep) (i32.shl (local.get $l) (i32.const 2))))))
        (local.set $zr (i32.mul (local.get $l) (i32.shl (local.get $q) (i32.const 2))))
        (local.set $sr (i32.mul (local.get $l) (local.get $q)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $q)))
            (local.set $a (i32.add (local.get $xp) (i32.add (local.get $zr) (local.get $j))))
            (local.set $m (i32.add (local.get $mm) (i32.add (local.get $zr) (local.get $j))))
            (local.set $ex (f32x4.neg (f32x4.add (v128.load (local.get $a))
              (f32x4.mul (local.get $k) (v128.load (local.get $m))))))
            (local.set $ex (f32x4.min (f32x4.max (local.get $ex) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
            (local.set $en (f32x4.nearest (f32x4.mul (local.get $ex) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
            (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
              (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
            (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
            (local.set $ee (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1))
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
            (local.set $i (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $ee))))
            (local.set $ex (f32x4.neg (f32x4.add (v128.load (i32.add (local.get $a) (local.get $q)))
              (f32x4.mul (local.get $k) (v128.load (i32.add (local.get $m) (local.get $q)))))))
            (local.set $ex (f32x4.min (f32x4.max (local.get $ex) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
            (local.set $en (f32x4.nearest (f32x4.mul (local.get $ex) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
            (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
              (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
            (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
            (local.set $ee (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1))
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
            (local.set $f (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $ee))))
            (local.set $ex (f32x4.add (v128.load (i32.add (local.get $a) (i32.shl (local.get $q) (i32.const 1))))
              (f32x4.mul (local.get $k) (v128.load (i32.add (local.get $m) (i32.shl (local.get $q) (i32.const 1)))))))
            (local.set $ex (f32x4.add (local.get $ex) (local.get $ex)))
            (local.set $ex (f32x4.min (f32x4.max (local.get $ex) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
            (local.set $en (f32x4.nearest (f32x4.mul (local.get $ex) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
            (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
              (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
            (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
            (local.set $ee (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1))
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
            (local.set $g (f32x4.div (f32x4.sub (local.get $ee) (v128.const f32x4 1 1 1 1)) (f32x4.add (local.get $ee) (v128.const f32x4 1 1 1 1))))
            (local.set $ex (f32x4.neg (f32x4.add (v128.load (i32.add (local.get $a) (i32.mul (local.get $q) (i32.const 3))))
              (f32x4.mul (local.get $k) (v128.load (i32.add (local.get $m) (i32.mul (local.get $q) (i32.const 3))))))))
            (local.set $ex (f32x4.min (f32x4.max (local.get $ex) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
            (local.set $en (f32x4.nearest (f32x4.mul (local.get $ex) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
            (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
              (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
            (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
            (local.set $ee (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1))
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
            (local.set $o (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $ee))))
            (local.set $w (i32.add (local.get $sr) (local.get $j)))
            (local.set $cn (f32x4.add
              (f32x4.mul (f32x4.mul (local.get $f) (local.get $k)) (v128.load (i32.add (local.get $cPrev) (local.get $w))))
              (f32x4.mul (local.get $i) (local.get $g))))
            (local.set $ex (local.get $cn))
            (local.set $ex (f32x4.add (local.get $ex) (local.get $ex)))
            (local.set $ex (f32x4.min (f32x4.max (local.get $ex) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)) (v128.const f32x4 88.3 88.3 88.3 88.3)))
            (local.set $en (f32x4.nearest (f32x4.mul (local.get $ex) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
            (local.set $er (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
              (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
            (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
            (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
            (local.set $ee (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1))
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
            (local.set $t (f32x4.div (f32x4.sub (local.get $ee) (v128.const f32x4 1 1 1 1)) (f32x4.add (local.get $ee) (v128.const f32x4 1 1 1 1))))
            (local.set $a (i32.add (local.get $gates) (i32.add (local.get $zr) (local.get $j))))
            (v128.store (local.get $a) (local.get $i))
            (v128.store (i32.add (local.get $a) (local.get $q)) (local.get $f))
            (v128.store (i32.add (local.get $a) (i32.shl (local.get $q) (i32.const 1))) (local.get $g))
            (v128.store (i32.add (local.get $a) (i32.mul (local.get $q) (i32.const 3))) (local.get $o))
            (v128.store (i32.add (local.get $c) (local.get $w)) (local.get $cn))
            (v128.store (i32.add (local.get $tc) (local.get $w)) (local.get $t))
            (v128.store (i32.add (local.get $h) (local.get $w)) (f32x4.mul (local.get $o) (local.get $t)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jloop)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $lloop))))

  ;; One LSTM step backward (lstm-kernels-cpu.ts `cellBackward`): dOut, dhNext, dcNext [b, n], keepNext [b],
  ;; gates [b, 4n], tc, cPrev [b, n], keep [b]. Writes dz [b, 4n] and dcPrev [b, n].
  (func (export "cellGrad") (param $dOut i32) (param $dhNext i32) (param $dcNext i32) (param $keepNext i32)
    (param $gates i32) (param $tc i32) (param $cPrev i32) (param $keep i32) (param $dz i32) (param $dcPrev i32)
    (param $b i32) (param $n i32)
    (local $l i32) (local $j i32) (local $q i32) (local $zr i32) (local $w i32) (local $a i32)
    (local $k v128) (local $kn v128) (local $i v128) (local $f v128) (local $g v128) (local $o v128)
    (local $t v128) (local $dh v128) (local $dc v128) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $q (i32.shl (local.get $n) (i32.const 2)))
    (block $ldone
      (loop $lloop
        (br_if $ldone (i32.ge_u (local.get $l) (local.get $b)))
        (local.set $k (f32x4.splat (f32.load (i32.add (local.get $keep) (i32.shl (local.get $l) (i32.const 2))))))
        (local.set $kn (f32x4.splat (f32.load (i32.add (local.get $keepNext) (i32.shl (local.get $l) (i32.const 2))))))
        (local.set $zr (i32.mul (local.get $l) (i32.shl (local.get $q) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $q)))
            (local.set $w (i32.add (i32.mul (local.get $l) (local.get $q)) (local.get $j)))
            (local.set $a (i32.add (local.get $gates) (i32.add (local.get $zr) (local.get $j))))
            (local.set $i (v128.load (local.get $a)))
            (local.set $f (v128.load (i32.add (local.get $a) (local.get $q))))
            (local.set $g (v128.load (i32.add (local.get $a) (i32.shl (local.get $q) (i32.const 1)))))
            (local.set $o (v128.load (i32.add (local.get $a) (i32.mul (local.get $q) (i32.const 3)))))
            (local.set $t (v128.load (i32.add (local.get $tc) (local.get $w))))
            (local.set $dh (f32x4.add (v128.load (i32.add (local.get $dOut) (local.get $w)))
              (f32x4.mul (local.get $kn) (v128.load (i32.add (local.get $dhNext) (local.get $w))))))
            (local.set $dc (f32x4.add (f32x4.mul (local.get $kn) (v128.load (i32.add (local.get $dcNext) (local.get $w))))
              (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o))
                (f32x4.sub (local.get $one) (f32x4.mul (local.get $t) (local.get $t))))))
            (local.set $a (i32.add (local.get $dz) (i32.add (local.get $zr) (local.get $j))))
            (v128.store (local.get $a)
              (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dc) (local.get $g)) (local.get $i))
                (f32x4.sub (local.get $one) (local.get $i))))
            (v128.store (i32.add (local.get $a) (local.get $q))
              (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dc) (local.get $k))
                (v128.load (i32.add (local.get $cPrev) (local.get $w)))) (local.get $f))
                (f32x4.sub (local.get $one) (local.get $f))))
            (v128.store (i32.add (local.get $a) (i32.shl (local.get $q) (i32.const 1)))
              (f32x4.mul (f32x4.mul (local.get $dc) (local.get $i))
                (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g)))))
            (v128.store (i32.add (local.get $a) (i32.mul (local.get $q) (i32.const 3)))
              (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dh) (local.get $t)) (local.get $o))
                (f32x4.sub (local.get $one) (local.get $o))))
            (v128.store (i32.add (local.get $dcPrev) (local.get $w))
              (f32x4.mul (f32x4.mul (local.get $dc) (local.get $f)) (local.get $k)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jloop)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $lloop))))

  ;; c [m, n] = a [m, k] · b [k, n], b packed by `pack` (n a multiple of 8: the packed width). Tiles of 4 rows × 8 columns
  ;; held in eight registers over the whole of k (one row at a time for the last m mod 4 rows); at
  ;; LSTM(256)'s shapes 1.2–1.35 × as fast as the backend's own product in Node, 1.5–1.75 × in Chromium
  ;; with relaxed SIMD (docs/speed.md). Each sum is taken in k order.
  (func (export "gemm") (param $a i32) (param $bp i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $p i32) (local $kk i32) (local $ap i32) (local $bpp i32) (local $bq i32) (local $cp i32)
    (local $lda i32) (local $ldc i32) (local $m4 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $lda (i32.shl (local.get $k) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $r1 (local.get $lda))
    (local.set $r2 (i32.shl (local.get $lda) (i32.const 1)))
    (local.set $r3 (i32.mul (local.get $lda) (i32.const 3)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (block $pdone
      (loop $ploop
        (br_if $pdone (i32.ge_u (local.get $p) (i32.shr_u (local.get $n) (i32.const 3))))
        ;; Panel p: columns 8p … 8p+7 of b, k rows of 8 floats.
        (local.set $bpp (i32.add (local.get $bp) (i32.mul (local.get $p) (i32.shl (local.get $k) (i32.const 5)))))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $iloop
            (br_if $idone (i32.ge_u (local.get $i) (local.get $m4)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0))
            (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0))
            (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
            (local.set $bq (local.get $bpp))
            (local.set $kk (i32.const 0))
            (block $kdone4
              (loop $kloop4
                (br_if $kdone4 (i32.ge_u (local.get $kk) (local.get $lda)))
                (local.set $b0 (v128.load (local.get $bq)))
                (local.set $b1 (v128.load offset=16 (local.get $bq)))
                (local.set $x (v128.load32_splat (i32.add (local.get $ap) (local.get $kk))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (i32.add (local.get $ap) (local.get $kk)) (local.get $r1))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (i32.add (local.get $ap) (local.get $kk)) (local.get $r2))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (i32.add (local.get $ap) (local.get $kk)) (local.get $r3))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $bq (i32.add (local.get $bq) (i32.const 32)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
                (br $kloop4)))
            (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $p) (i32.const 5)))))
            (v128.store offset=0 (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (v128.store offset=0 (i32.add (local.get $cp) (i32.mul (i32.const 1) (local.get $ldc))) (local.get $c10))
            (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (i32.const 1) (local.get $ldc))) (local.get $c11))
            (v128.store offset=0 (i32.add (local.get $cp) (i32.mul (i32.const 2) (local.get $ldc))) (local.get $c20))
            (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (i32.const 2) (local.get $ldc))) (local.get $c21))
            (v128.store offset=0 (i32.add (local.get $cp) (i32.mul (i32.const 3) (local.get $ldc))) (local.get $c30))
            (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (i32.const 3) (local.get $ldc))) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iloop)))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
            (local.set $bq (local.get $bpp))
            (local.set $kk (i32.const 0))
            (block $kdone1
              (loop $kloop1
                (br_if $kdone1 (i32.ge_u (local.get $kk) (local.get $lda)))
                (local.set $b0 (v128.load (local.get $bq)))
                (local.set $b1 (v128.load offset=16 (local.get $bq)))
                (local.set $x (v128.load32_splat (i32.add (local.get $ap) (local.get $kk))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $bq (i32.add (local.get $bq) (i32.const 32)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
                (br $kloop1)))
            (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $p) (i32.const 5)))))
            (v128.store offset=0 (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $jloop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ploop))))

  ;; b [k, n] into the panels `gemm` reads: panel p (columns 8p … 8p+7) as k rows of 8 floats, the last
  ;; panel's columns from n on zero (`gemm` then writes ceil(n / 8) · 8 columns). With $trans, src is
  ;; [n, k] and b its transpose.
  (func (export "pack") (param $src i32) (param $dst i32) (param $k i32) (param $n i32) (param $trans i32)
    (local $p i32) (local $kk i32) (local $j i32) (local $o i32) (local $col i32)
    (local.set $o (local.get $dst))
    (block $pdone
      (loop $ploop
        (br_if $pdone (i32.ge_u (i32.shl (local.get $p) (i32.const 3)) (local.get $n)))
        (local.set $kk (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $kk) (local.get $k)))
            (if (i32.or (local.get $trans) (i32.gt_u (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 3)) (local.get $n)))
              (then
                ;; One float at a time: b (kk, 8p + j), or 0 past the last column.
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.ge_u (local.get $j) (i32.const 8)))
                    (local.set $col (i32.add (i32.shl (local.get $p) (i32.const 3)) (local.get $j)))
                    (f32.store (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))
                      (if (result f32) (i32.ge_u (local.get $col) (local.get $n))
                        (then (f32.const 0))
                        (else (f32.load (i32.add (local.get $src) (i32.shl
                          (if (result i32) (local.get $trans)
                            (then (i32.add (i32.mul (local.get $col) (local.get $k)) (local.get $kk)))
                            (else (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $col))))
                          (i32.const 2)))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $jloop))))
              (else
                (local.set $col (i32.add (local.get $src)
                  (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (i32.shl (local.get $p) (i32.const 3))) (i32.const 2))))
                (v128.store (local.get $o) (v128.load (local.get $col)))
                (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $col)))))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $kloop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ploop)))))
