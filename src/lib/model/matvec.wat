;; The matrix-vector product of generation and scoring (model/matvec.ts embeds its binary; the unit test
;; compiles this file and checks that the two agree).
(module
  (memory (export "memory") 1)
  ;; z[j] += sum over k < rows of x[k] * w[k * cols + j], for j < cols. Pointers are byte offsets, all
  ;; 16-byte aligned; cols is a multiple of 16. Sixteen columns at a time in four f32x4 accumulators, so
  ;; each row of w is read once, contiguously, per block.
  (func (export "matvec") (param $w i32) (param $x i32) (param $z i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $k i32) (local $p i32) (local $stride i32) (local $xk v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $a0 (v128.load offset=0 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $p (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $xk (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xk) (v128.load offset=0 (local.get $p)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xk) (v128.load offset=16 (local.get $p)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xk) (v128.load offset=32 (local.get $p)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xk) (v128.load offset=48 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
        (v128.store offset=0 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))) (local.get $a1))
        (v128.store offset=32 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))) (local.get $a2))
        (v128.store offset=48 (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))) (local.get $a3))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jloop))))

  ;; e^x in four lanes: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by Cephes's expf polynomial, 2^n written into
  ;; the exponent bits. Within two units in the last place of float32 for x in [-87.3, 88.3] (clamped there).
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3))
      (v128.const f32x4 88.3 88.3 88.3 88.3)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (local.get $x)
      (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r)
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add
      (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127))
        (i32.const 23))))

  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $x))))))

  ;; tanh x = 2 σ(2x) − 1.
  (func $tanh (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.mul (v128.const f32x4 2 2 2 2) (call $sigmoid (f32x4.add (local.get $x) (local.get $x))))
      (v128.const f32x4 1 1 1 1)))

  ;; One LSTM step's gates (Keras: i, f, c, o): z holds the 4n gate sums, c the cell state (replaced by the
  ;; new one), h receives the output. Byte offsets, 16-byte aligned; n a multiple of 4.
  (func (export "gates") (param $z i32) (param $c i32) (param $h i32) (param $n i32)
    (local $j i32) (local $q i32) (local $zj i32) (local $cell v128)
    (local.set $q (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $q)))
        (local.set $zj (i32.add (local.get $z) (local.get $j)))
        (local.set $cell (f32x4.add
          (f32x4.mul (call $sigmoid (v128.load (i32.add (local.get $zj) (local.get $q))))
            (v128.load (i32.add (local.get $c) (local.get $j))))
          (f32x4.mul (call $sigmoid (v128.load (local.get $zj)))
            (call $tanh (v128.load (i32.add (local.get $zj) (i32.shl (local.get $q) (i32.const 1))))))))
        (v128.store (i32.add (local.get $c) (local.get $j)) (local.get $cell))
        (v128.store (i32.add (local.get $h) (local.get $j))
          (f32x4.mul (call $sigmoid (v128.load (i32.add (local.get $zj) (i32.mul (local.get $q) (i32.const 3)))))
            (call $tanh (local.get $cell))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))))
