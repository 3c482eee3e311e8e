//! Links the daemon with packed relative relocations (DT_RELR): the loader reads a few KiB
//! of relocation table at start instead of about 260 KiB, which otherwise stays resident in
//! an idle daemon (docs/BENCHMARKS.md, idle RSS). The binary then needs glibc 2.36 or later
//! (Debian 12, Ubuntu 22.10) at run time, as the loader says plainly on an older one.

fn main() {
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
}
