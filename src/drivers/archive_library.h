#pragma once
// libarchive, loaded on first use (as libcurl is, drivers/curl_library.h):
// an idle panel maps neither it nor the libraries it pulls in (xml2, icu,
// nettle, lzma, zstd, lz4, bz2, acl), about 1.6 MB of resident pages
// (docs/benchmarks.md, idle RSS). Call sites write
// `libarchive::archive_read_new(...)`: the qualified name keeps
// argument-dependent lookup away from the real symbols, so the binary does
// not link libarchive at all and a missed call site is a link error.
#include <archive.h>
#include <archive_entry.h>

#include <utility>

// Every libarchive function the panel calls; one list for the table, the
// loader and the forwarding functions.
#define WSP_LIBARCHIVE_FUNCTIONS(X)              \
    X(archive_entry_filetype)                    \
    X(archive_entry_free)                        \
    X(archive_entry_hardlink)                    \
    X(archive_entry_new)                         \
    X(archive_entry_pathname)                    \
    X(archive_entry_pathname_utf8)               \
    X(archive_entry_perm)                        \
    X(archive_entry_set_filetype)                \
    X(archive_entry_set_gid)                     \
    X(archive_entry_set_gname)                   \
    X(archive_entry_set_hardlink)                \
    X(archive_entry_set_mtime)                   \
    X(archive_entry_set_pathname)                \
    X(archive_entry_set_perm)                    \
    X(archive_entry_set_size)                    \
    X(archive_entry_set_symlink)                 \
    X(archive_entry_set_uid)                     \
    X(archive_entry_set_uname)                   \
    X(archive_entry_symlink)                     \
    X(archive_errno)                             \
    X(archive_error_string)                      \
    X(archive_filter_bytes)                      \
    X(archive_read_data)                         \
    X(archive_read_data_block)                   \
    X(archive_read_data_skip)                    \
    X(archive_read_free)                         \
    X(archive_read_new)                          \
    X(archive_read_next_header)                  \
    X(archive_read_open_fd)                      \
    X(archive_read_support_filter_all)           \
    X(archive_read_support_format_7zip)          \
    X(archive_read_support_format_rar)           \
    X(archive_read_support_format_rar5)          \
    X(archive_read_support_format_tar)           \
    X(archive_read_support_format_zip)           \
    X(archive_set_error)                         \
    X(archive_write_add_filter_bzip2)            \
    X(archive_write_add_filter_gzip)             \
    X(archive_write_add_filter_xz)               \
    X(archive_write_add_filter_zstd)             \
    X(archive_write_close)                       \
    X(archive_write_data)                        \
    X(archive_write_free)                        \
    X(archive_write_header)                      \
    X(archive_write_new)                         \
    X(archive_write_open)                        \
    X(archive_write_open2)                       \
    X(archive_write_open_fd)                     \
    X(archive_write_set_bytes_in_last_block)     \
    X(archive_write_set_bytes_per_block)         \
    X(archive_write_set_format_pax_restricted)   \
    X(archive_write_set_format_zip)              \
    X(archive_write_set_options)                 \
    X(archive_write_zip_set_compression_deflate) \
    X(archive_write_zip_set_compression_store)

namespace wsp::libarchive {

struct Functions {
#define WSP_LIBARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
    WSP_LIBARCHIVE_FUNCTIONS(WSP_LIBARCHIVE_MEMBER)
#undef WSP_LIBARCHIVE_MEMBER
};

// Loads libarchive once; throws std::runtime_error (logged) when it cannot
// be loaded or lacks a function, so the operation fails instead of the panel.
const Functions& functions();

#define WSP_LIBARCHIVE_FORWARD(name)                          \
    template <class... Args>                                  \
    auto name(Args&&... args) {                               \
        return functions().name(std::forward<Args>(args)...); \
    }
WSP_LIBARCHIVE_FUNCTIONS(WSP_LIBARCHIVE_FORWARD)
#undef WSP_LIBARCHIVE_FORWARD

}  // namespace wsp::libarchive
