//! Random numbers: a version-stable stream derivation, xoshiro256++ and the exact samplers (normal, Poisson, gamma) the engine uses.
//!
//! Everything here is hand-written on purpose: the engine promises byte-identical
//! output for a seed across releases, so the bit-level behaviour of every sampler
//! must be ours to keep, not a dependency's to change.

use std::sync::OnceLock;

/// One SplitMix64 step: the standard 64-bit finaliser, used to seed xoshiro and to mix stream ids.
#[inline]
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// The SplitMix64 output function (a bijection of u64 with strong avalanche).
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// 64-bit FNV-1a of a byte string: the fixed, documented hash of exposure and control keys.
///
/// `std`'s `DefaultHasher` is not specified to be stable across Rust releases, so it must
/// never decide which random numbers an exposure gets.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// xoshiro256++ (Blackman & Vigna 2019): small, fast and statistically strong.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for the stream named by `seed` and the ordered `parts`.
    ///
    /// The derivation is `h = seed; for p in parts { h = mix64(h ^ mix64(p + GOLDEN)) }`,
    /// then four SplitMix64 outputs from `h` fill the state. It is part of the
    /// reproducibility contract: changing it changes every result for every seed.
    pub(crate) fn stream(seed: u64, parts: &[u64]) -> Self {
        let mut h = seed;
        for &p in parts {
            h = mix64(h ^ mix64(p.wrapping_add(0x9E37_79B9_7F4A_7C15)));
        }
        let mut sm = h;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        // SplitMix64 is a bijection of a counter, so four consecutive outputs are never all zero.
        Rng { s }
    }

    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on [0, 1) with 53 random bits.
    #[inline]
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1): safe to take the logarithm of.
    #[inline]
    pub(crate) fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) by Lemire's multiply-and-reject, so it is exactly uniform.
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }

    /// Standard normal by the ziggurat method (Marsaglia & Tsang 2000, in Doornik's 2005
    /// ZIGNOR form with 128 layers): exact, and about one uniform per draw.
    #[inline]
    pub(crate) fn normal(&mut self) -> f64 {
        let z = ziggurat();
        loop {
            let bits = self.next_u64();
            // The low 7 bits pick the layer, the top 53 bits make the uniform: disjoint bits
            // of one xoshiro output are independent.
            let i = (bits & 0x7F) as usize;
            let u = 2.0 * ((bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)) - 1.0;
            if u.abs() < z.r[i] {
                return u * z.x[i];
            }
            if i == 0 {
                return self.normal_tail(u < 0.0);
            }
            let x = u * z.x[i];
            let f0 = (-0.5 * (z.x[i] * z.x[i] - x * x)).exp();
            let f1 = (-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x)).exp();
            if f1 + self.uniform() * (f0 - f1) < 1.0 {
                return x;
            }
        }
    }

    /// Marsaglia's exact sampler of the normal tail beyond the base layer's edge.
    #[cold]
    fn normal_tail(&mut self, negative: bool) -> f64 {
        loop {
            let x = self.open01().ln() / ZIG_R;
            let y = self.open01().ln();
            if -2.0 * y >= x * x {
                return if negative { x - ZIG_R } else { ZIG_R - x };
            }
        }
    }

    /// Poisson(mean): inversion by sequential search below 10, Hörmann's PTRS
    /// (transformed rejection with squeeze, 1993) at 10 and above. Both are exact.
    #[inline]
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean < 10.0 {
            return self.poisson_inversion(mean);
        }
        self.poisson_ptrs(mean)
    }

    fn poisson_inversion(&mut self, mean: f64) -> u64 {
        let u = self.uniform();
        let mut p = (-mean).exp();
        let mut cdf = p;
        let mut k = 0u64;
        // For mean < 10 the pmf beyond k = 200 is below 1e-150: the cap only guards
        // against rounding leaving the cdf a hair below u forever.
        while u >= cdf && k < 200 {
            k += 1;
            p *= mean / k as f64;
            cdf += p;
        }
        k
    }

    fn poisson_ptrs(&mut self, mean: f64) -> u64 {
        let slam = mean.sqrt();
        let loglam = mean.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + mean + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            let lhs = v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln();
            let rhs = -mean + k * loglam - ln_factorial(k as u64);
            if lhs <= rhs {
                return k as u64;
            }
        }
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 use the boost U^(1/shape).
    pub(crate) fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.open01().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let t = 1.0 + c * x;
            if t <= 0.0 {
                continue;
            }
            let v = t * t * t;
            let u = self.open01();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }
}

/// ln(k!): exact summation below 64, Stirling's series with three correction terms above
/// (absolute error below 1e-15 there, far below what the PTRS acceptance test can see).
pub(crate) fn ln_factorial(k: u64) -> f64 {
    if k < 64 {
        return (2..=k).map(|i| (i as f64).ln()).sum();
    }
    let n = k as f64 + 1.0;
    let inv = 1.0 / n;
    let inv2 = inv * inv;
    (n - 0.5) * n.ln() - n
        + 0.5 * (2.0 * std::f64::consts::PI).ln()
        + inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0))
}

const ZIG_C: usize = 128;
const ZIG_R: f64 = 3.442_619_855_899;
const ZIG_V: f64 = 9.912_563_035_262_17e-3;

struct Ziggurat {
    x: [f64; ZIG_C + 1],
    r: [f64; ZIG_C],
}

/// The ziggurat's layer edges, computed once (Doornik 2005, ZIGNOR setup).
fn ziggurat() -> &'static Ziggurat {
    static TABLE: OnceLock<Ziggurat> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut x = [0.0; ZIG_C + 1];
        let mut r = [0.0; ZIG_C];
        let mut f = (-0.5 * ZIG_R * ZIG_R).exp();
        x[0] = ZIG_V / f;
        x[1] = ZIG_R;
        x[ZIG_C] = 0.0;
        for i in 2..ZIG_C {
            x[i] = (-2.0 * (ZIG_V / x[i - 1] + f).ln()).sqrt();
            f = (-0.5 * x[i] * x[i]).exp();
        }
        for i in 0..ZIG_C {
            r[i] = x[i + 1] / x[i];
        }
        Ziggurat { x, r }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard normal CDF through a high-accuracy erfc (W. J. Cody's rational fits are
    /// overkill here; Abramowitz–Stegun 7.1.26 is good to 1.5e-7, enough for these checks).
    fn phi(x: f64) -> f64 {
        let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
        let poly = t
            * (0.254_829_592
                + t * (-0.284_496_736
                    + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
        let erfc = poly * (-(x * x) / 2.0).exp();
        if x >= 0.0 {
            1.0 - 0.5 * erfc
        } else {
            0.5 * erfc
        }
    }

    #[test]
    fn fnv1a_matches_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn normal_matches_the_normal_cdf() {
        let n = 2_000_000;
        let mut rng = Rng::stream(1, &[2]);
        let edges = [
            -3.5,
            -2.5,
            -1.6448536269514722,
            -1.0,
            -0.3,
            0.0,
            0.7,
            1.28,
            2.0,
            3.0,
            3.6,
        ];
        let mut below = [0u64; 11];
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = rng.normal();
            s1 += z;
            s2 += z * z;
            for (c, e) in below.iter_mut().zip(edges) {
                *c += u64::from(z < e);
            }
        }
        let nf = n as f64;
        assert!((s1 / nf).abs() < 5.0 / nf.sqrt(), "mean {}", s1 / nf);
        assert!(
            (s2 / nf - 1.0).abs() < 5.0 * 2f64.sqrt() / nf.sqrt(),
            "var {}",
            s2 / nf
        );
        for (c, e) in below.iter().zip(edges) {
            let p = phi(e);
            let se = (p * (1.0 - p) / nf).sqrt();
            let got = *c as f64 / nf;
            assert!(
                (got - p).abs() < 5.0 * se + 2e-7,
                "P(Z<{e}) = {got}, want {p}"
            );
        }
    }

    fn check_poisson(mean: f64, n: usize) {
        let mut rng = Rng::stream(7, &[mean.to_bits()]);
        let mut counts = std::collections::BTreeMap::<u64, u64>::new();
        for _ in 0..n {
            *counts.entry(rng.poisson(mean)).or_default() += 1;
        }
        let nf = n as f64;
        let m: f64 = counts
            .iter()
            .map(|(k, c)| *k as f64 * *c as f64)
            .sum::<f64>()
            / nf;
        let v: f64 = counts
            .iter()
            .map(|(k, c)| (*k as f64 - m).powi(2) * *c as f64)
            .sum::<f64>()
            / nf;
        assert!(
            (m - mean).abs() < 5.0 * (mean / nf).sqrt(),
            "mean {m} vs {mean}"
        );
        assert!((v / mean - 1.0).abs() < 0.02, "variance {v} vs {mean}");
        // Every single probability within 5 binomial standard errors of the exact pmf.
        for (&k, &c) in &counts {
            let p = (-mean + k as f64 * mean.ln() - ln_factorial(k)).exp();
            let se = (p * (1.0 - p) / nf).sqrt();
            assert!(
                ((c as f64 / nf) - p).abs() < 5.0 * se + 3.0 / nf,
                "P(N={k}) mean {mean}"
            );
        }
    }

    #[test]
    fn poisson_inversion_is_exact() {
        check_poisson(0.1, 400_000);
        check_poisson(3.7, 400_000);
        check_poisson(9.99, 400_000);
    }

    #[test]
    fn poisson_ptrs_is_exact() {
        check_poisson(10.0, 400_000);
        check_poisson(57.3, 400_000);
        check_poisson(20_000.0, 200_000);
    }

    #[test]
    fn ln_factorial_is_continuous_at_the_switch() {
        let direct: f64 = (2..=64).map(|i| (i as f64).ln()).sum();
        assert!((ln_factorial(64) - direct).abs() < 1e-12);
        let direct: f64 = (2..=1000).map(|i| (i as f64).ln()).sum();
        assert!((ln_factorial(1000) / direct - 1.0).abs() < 1e-13);
    }

    #[test]
    fn gamma_has_the_right_moments() {
        for shape in [0.5f64, 1.0, 2.6, 7.0] {
            let mut rng = Rng::stream(3, &[shape.to_bits()]);
            let n = 400_000;
            let (mut s1, mut s2) = (0.0, 0.0);
            for _ in 0..n {
                let g = rng.gamma(shape);
                s1 += g;
                s2 += g * g;
            }
            let m = s1 / n as f64;
            let v = s2 / n as f64 - m * m;
            assert!(
                (m - shape).abs() < 5.0 * (shape / n as f64).sqrt(),
                "shape {shape} mean {m}"
            );
            assert!((v / shape - 1.0).abs() < 0.03, "shape {shape} var {v}");
        }
    }

    #[test]
    fn below_is_in_range_and_uniform() {
        let mut rng = Rng::stream(9, &[]);
        let mut c = [0u64; 7];
        for _ in 0..700_000 {
            c[rng.below(7) as usize] += 1;
        }
        for x in c {
            assert!((x as f64 - 100_000.0).abs() < 5.0 * (100_000.0f64 * 6.0 / 7.0).sqrt());
        }
    }
}
