use std::io::Cursor;

use super::*;

/// A minimal ELF64 little-endian file: one program header (PT_INTERP when `interpreter`),
/// and sections [null, .dynstr, .gnu.version_r] when `needs` is not empty, where `needs` lists
/// each library with the version names it needs.
fn elf(interpreter: bool, needs: &[(&str, &[&str])]) -> Vec<u8> {
    let mut strings = vec![0u8];
    let mut add_string = |text: &str| {
        let at = strings.len() as u32;
        strings.extend_from_slice(text.as_bytes());
        strings.push(0);
        at
    };
    let mut table = Vec::new();
    for (index, (library, versions)) in needs.iter().enumerate() {
        let last = index + 1 == needs.len();
        let size = 16 * (1 + versions.len()) as u32;
        table.extend_from_slice(&1u16.to_le_bytes()); // vn_version
        table.extend_from_slice(&(versions.len() as u16).to_le_bytes());
        table.extend_from_slice(&add_string(library).to_le_bytes());
        table.extend_from_slice(&16u32.to_le_bytes()); // vn_aux: right after this entry
        table.extend_from_slice(&(if last { 0 } else { size }).to_le_bytes());
        for (i, version) in versions.iter().enumerate() {
            let next: u32 = if i + 1 == versions.len() { 0 } else { 16 };
            table.extend_from_slice(&0u32.to_le_bytes()); // vna_hash
            table.extend_from_slice(&[0; 4]); // vna_flags, vna_other
            table.extend_from_slice(&add_string(version).to_le_bytes());
            table.extend_from_slice(&next.to_le_bytes());
        }
    }

    // Layout: header (64), one program header (56), strings, table, section headers.
    let strings_at = 64 + 56;
    let table_at = strings_at + strings.len();
    let sections_at = table_at + table.len();
    let section_count: u16 = if needs.is_empty() { 0 } else { 3 };
    let mut file = vec![0u8; 64];
    file[..6].copy_from_slice(b"\x7fELF\x02\x01");
    file[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
    file[0x28..0x30].copy_from_slice(&(sections_at as u64).to_le_bytes());
    file[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
    file[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
    file[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    file[0x3c..0x3e].copy_from_slice(&section_count.to_le_bytes());
    let mut program_header = vec![0u8; 56];
    let kind: u32 = if interpreter { PT_INTERP } else { 1 };
    program_header[..4].copy_from_slice(&kind.to_le_bytes());
    file.extend(program_header);
    file.extend(&strings);
    file.extend(&table);
    if section_count > 0 {
        file.extend(vec![0u8; 64]);
        file.extend(section_header(3, strings_at, strings.len(), 0));
        file.extend(section_header(SHT_GNU_VERNEED, table_at, table.len(), 1));
    }
    file
}

fn section_header(kind: u32, offset: usize, size: usize, link: u32) -> Vec<u8> {
    let mut header = vec![0u8; 64];
    header[4..8].copy_from_slice(&kind.to_le_bytes());
    header[24..32].copy_from_slice(&(offset as u64).to_le_bytes());
    header[32..40].copy_from_slice(&(size as u64).to_le_bytes());
    header[40..44].copy_from_slice(&link.to_le_bytes());
    header
}

fn floor_of(bytes: Vec<u8>) -> GlibcFloor {
    glibc_floor(&mut Cursor::new(bytes))
}

#[test]
fn the_floor_is_the_highest_glibc_version_needed_compared_as_numbers() {
    let file = elf(
        true,
        &[
            ("libc.so.6", &["GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_PRIVATE"]),
            ("libm.so.6", &["GLIBC_2.3.4"]),
            ("libgcc_s.so.1", &["GCC_4.2.0"]),
        ],
    );
    let floor = floor_of(file);
    assert_eq!(floor, GlibcFloor::Needs(vec![2, 17]));
    assert_eq!(floor.to_string(), "2.17 or newer");
}

#[test]
fn a_version_in_a_later_library_counts_too() {
    let file = elf(
        true,
        &[
            ("libc.so.6", &["GLIBC_2.2.5"]),
            ("libpthread.so.0", &["GLIBC_2.12", "GLIBC_2.34"]),
        ],
    );
    assert_eq!(floor_of(file), GlibcFloor::Needs(vec![2, 34]));
}

#[test]
fn no_program_interpreter_is_static() {
    let floor = floor_of(elf(false, &[]));
    assert_eq!(floor, GlibcFloor::Static);
    assert!(floor.to_string().starts_with("static"));
}

#[test]
fn dynamic_without_glibc_versions_needs_no_glibc() {
    assert_eq!(floor_of(elf(true, &[])), GlibcFloor::NoGlibc);
    let musl_like = elf(true, &[("libgcc_s.so.1", &["GCC_3.0"])]);
    assert_eq!(floor_of(musl_like), GlibcFloor::NoGlibc);
}

#[test]
fn damaged_files_say_why_instead_of_guessing() {
    let not_elf = floor_of(b"#!/bin/sh\necho hello\n".to_vec());
    assert_eq!(not_elf, GlibcFloor::Unknown("not an ELF file".to_string()));

    let mut big_endian = elf(true, &[]);
    big_endian[5] = 2;
    assert!(matches!(floor_of(big_endian), GlibcFloor::Unknown(_)));

    // Cut inside the section headers, then inside the version table's chain.
    let whole = elf(true, &[("libc.so.6", &["GLIBC_2.17"])]);
    for cut in [whole.len() - 10, 64 + 30] {
        let floor = floor_of(whole[..cut].to_vec());
        assert!(
            matches!(floor, GlibcFloor::Unknown(_)),
            "cut at {cut}: {floor:?}"
        );
    }
    let mut bad_link = whole.clone();
    let link_at = whole.len() - 64 + 40;
    bad_link[link_at..link_at + 4].copy_from_slice(&9u32.to_le_bytes());
    assert!(matches!(floor_of(bad_link), GlibcFloor::Unknown(_)));
}

/// The test binary itself is built like squall: on a glibc target its floor is a glibc
/// version, and no newer than the glibc running it (else it could not have started).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_running_test_binary_needs_no_newer_glibc_than_the_one_running_it() {
    let mut exe = std::fs::File::open("/proc/self/exe").expect("open /proc/self/exe");
    let GlibcFloor::Needs(floor) = glibc_floor(&mut exe) else {
        panic!("no glibc floor read from the test binary itself");
    };
    // SAFETY: gnu_get_libc_version returns a static NUL-terminated string.
    let running = unsafe { std::ffi::CStr::from_ptr(libc::gnu_get_libc_version()) };
    let running = parse_version(&running.to_string_lossy()).expect("glibc version");
    assert_eq!(floor[0], 2);
    assert!(floor >= vec![2, 2, 5], "floor {floor:?}");
    assert!(
        floor <= running,
        "floor {floor:?} above the running glibc {running:?}"
    );
}

#[test]
fn long_version_names_version_commit_target_and_floor() {
    let text = long_version();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], env!("CARGO_PKG_VERSION"));
    assert_eq!(lines[1], format!("commit: {COMMIT}"));
    assert_eq!(lines[2], format!("target: {TARGET}"));
    assert!(lines[3].starts_with("glibc:  "), "{text}");
    assert!(
        !COMMIT.is_empty() && TARGET.contains('-'),
        "{COMMIT} {TARGET}"
    );
}
