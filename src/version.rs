//! What `squall --version` says about the binary actually running: the crate version, the
//! commit and target it was built for (from build.rs), and the oldest glibc it can start on,
//! read from its own ELF file so that it is true of this very binary (a bastion's glibc
//! decides whether squall starts at all).

use std::fmt;
use std::io::{Read, Seek, SeekFrom};

/// The commit the binary was built from ("unknown" when built outside a git checkout).
pub const COMMIT: &str = env!("SQUALL_BUILD_COMMIT");
/// The target triple the binary was built for.
pub const TARGET: &str = env!("SQUALL_BUILD_TARGET");

/// The text after "squall " for `--version`: the version, then one line each for the commit,
/// the target and the glibc floor of the running executable.
pub fn long_version() -> String {
    let floor = match std::fs::File::open("/proc/self/exe") {
        Ok(mut file) => glibc_floor(&mut file),
        Err(error) => GlibcFloor::Unknown(format!("cannot read /proc/self/exe: {error}")),
    };
    format!(
        "{}\ncommit: {COMMIT}\ntarget: {TARGET}\nglibc:  {floor}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The oldest glibc an executable starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlibcFloor {
    /// The highest `GLIBC_x.y[.z]` version it needs, as numbers.
    Needs(Vec<u32>),
    /// No program interpreter: a static executable, needing no C library at run time.
    Static,
    /// Dynamically linked, but it needs no glibc version (e.g. musl).
    NoGlibc,
    /// The file could not be read as a 64-bit little-endian ELF; why.
    Unknown(String),
}

impl fmt::Display for GlibcFloor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlibcFloor::Needs(version) => {
                let parts: Vec<String> = version.iter().map(u32::to_string).collect();
                write!(f, "{} or newer", parts.join("."))
            }
            GlibcFloor::Static => f.write_str("static (needs none)"),
            GlibcFloor::NoGlibc => f.write_str("none needed (dynamically linked)"),
            GlibcFloor::Unknown(why) => write!(f, "unknown ({why})"),
        }
    }
}

const PT_INTERP: u32 = 3;
const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
/// Sections larger than this are not version tables: the file is damaged or not what it says.
const MAX_TABLE_BYTES: u64 = 1 << 20;

/// Reads the glibc floor from an ELF executable: whether it has a program interpreter, and the
/// highest `GLIBC_` version in its version-needs table (`.gnu.version_r`, what the dynamic
/// loader checks at start; `objdump -T` lists the same names).
pub fn glibc_floor<R: Read + Seek>(file: &mut R) -> GlibcFloor {
    match read_floor(file) {
        Ok(floor) => floor,
        Err(why) => GlibcFloor::Unknown(why),
    }
}

fn read_floor<R: Read + Seek>(file: &mut R) -> Result<GlibcFloor, String> {
    if read_at(file, 0, 4).ok().as_deref() != Some(b"\x7fELF".as_slice()) {
        return Err("not an ELF file".to_string());
    }
    let header = read_at(file, 0, 64)?;
    if header[4] != 2 || header[5] != 1 {
        return Err("not a 64-bit little-endian ELF file".to_string());
    }
    let program_headers = Table {
        offset: u64_at(&header, 0x20)?,
        entry_size: u16_at(&header, 0x36)?,
        count: u16_at(&header, 0x38)?,
    };
    let sections = Table {
        offset: u64_at(&header, 0x28)?,
        entry_size: u16_at(&header, 0x3a)?,
        count: u16_at(&header, 0x3c)?,
    };
    let mut has_interpreter = false;
    for entry in program_headers.entries(file, 4)? {
        has_interpreter |= u32_at(&entry, 0)? == PT_INTERP;
    }
    if !has_interpreter {
        return Ok(GlibcFloor::Static);
    }
    let section_headers = sections.entries(file, 64)?;
    let mut highest: Option<Vec<u32>> = None;
    for section in &section_headers {
        if u32_at(section, 4)? != SHT_GNU_VERNEED {
            continue;
        }
        let link = u32_at(section, 40)? as usize;
        let strings = section_headers
            .get(link)
            .ok_or("the version-needs table links to no string table")?;
        let strings = read_at(file, u64_at(strings, 24)?, u64_at(strings, 32)?)?;
        let table = read_at(file, u64_at(section, 24)?, u64_at(section, 32)?)?;
        let glibc_versions = needed_version_names(&table, &strings)?
            .into_iter()
            .filter_map(|name| name.strip_prefix("GLIBC_").and_then(parse_version));
        // Vec<u32> orders as version numbers do: 2.17 above 2.3.4.
        highest = highest.into_iter().chain(glibc_versions).max();
    }
    Ok(highest.map_or(GlibcFloor::NoGlibc, GlibcFloor::Needs))
}

/// A table of fixed-size entries in the file (program or section headers).
struct Table {
    offset: u64,
    entry_size: u16,
    count: u16,
}

impl Table {
    /// Every entry, each at least `min_size` bytes.
    fn entries<R: Read + Seek>(&self, file: &mut R, min_size: u16) -> Result<Vec<Vec<u8>>, String> {
        if self.count > 0 && self.entry_size < min_size {
            return Err(format!("header entries of {} bytes", self.entry_size));
        }
        let size = u64::from(self.entry_size);
        let bytes = read_at(file, self.offset, size * u64::from(self.count))?;
        Ok(bytes
            .chunks(usize::from(self.entry_size).max(1))
            .map(<[u8]>::to_vec)
            .collect())
    }
}

/// The version names in a version-needs table (Elf64_Verneed entries, each with a chain of
/// Elf64_Vernaux entries naming a version in `strings`).
fn needed_version_names(table: &[u8], strings: &[u8]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut need = 0usize;
    // Each entry moves forward by its own offset: bound the walk by the table's size.
    for _ in 0..table.len() / 16 + 1 {
        let mut aux = need + u32_at(table, need + 8)? as usize;
        for _ in 0..u16_at(table, need + 2)? {
            let name = u32_at(table, aux + 8)? as usize;
            names.push(c_string_at(strings, name)?);
            let next = u32_at(table, aux + 12)? as usize;
            if next == 0 {
                break;
            }
            aux += next;
        }
        let next = u32_at(table, need + 12)? as usize;
        if next == 0 {
            return Ok(names);
        }
        need += next;
    }
    Err("the version-needs table loops".to_string())
}

/// "2.17" or "2.3.4" as numbers; None for names such as "PRIVATE" or "ABI_DT_RELR".
fn parse_version(text: &str) -> Option<Vec<u32>> {
    text.split('.').map(|part| part.parse().ok()).collect()
}

fn read_at<R: Read + Seek>(file: &mut R, offset: u64, len: u64) -> Result<Vec<u8>, String> {
    if len > MAX_TABLE_BYTES {
        return Err(format!("a table of {len} bytes"));
    }
    let mut bytes = vec![0; len as usize];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|error| format!("reading {len} bytes at {offset}: {error}"))?;
    Ok(bytes)
}

fn field<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N], String> {
    at.checked_add(N)
        .and_then(|end| bytes.get(at..end))
        .and_then(|slice| slice.try_into().ok())
        .ok_or_else(|| {
            format!(
                "a field at {at} past the end of a {}-byte table",
                bytes.len()
            )
        })
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    field(bytes, at).map(u16::from_le_bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, String> {
    field(bytes, at).map(u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> Result<u64, String> {
    field(bytes, at).map(u64::from_le_bytes)
}

fn c_string_at(strings: &[u8], at: usize) -> Result<String, String> {
    let tail = strings
        .get(at..)
        .ok_or("a name past the end of the string table")?;
    let end = tail
        .iter()
        .position(|&b| b == 0)
        .ok_or("an unterminated name")?;
    Ok(String::from_utf8_lossy(&tail[..end]).into_owned())
}

#[cfg(test)]
mod tests;
