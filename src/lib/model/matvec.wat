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
        (br $jloop)))))
