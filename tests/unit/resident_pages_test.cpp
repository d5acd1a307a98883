// release_file_pages (src/system/resident_pages.h): read-only file pages
// leave the resident set and come back with their content; a page copied
// on write (what RELRO is after relocation) is never dropped.
#include "system/resident_pages.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace wsp {
namespace {

// Resident pages of [p, p + len) (mincore says which are in the page
// cache, not which are mapped, so read /proc/self/pagemap's present bit).
size_t mapped_pages(const void* p, size_t len) {
    const long page = ::sysconf(_SC_PAGESIZE);
    int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return SIZE_MAX;
    size_t n = 0;
    const auto first = reinterpret_cast<uintptr_t>(p) / static_cast<uintptr_t>(page);
    for (size_t i = 0; i < len / static_cast<size_t>(page); ++i) {
        uint64_t entry = 0;
        if (::pread(fd, &entry, sizeof entry, static_cast<off_t>((first + i) * sizeof entry)) ==
                sizeof entry &&
            (entry >> 63) != 0)
            ++n;
    }
    ::close(fd);
    return n;
}

class ResidentPages : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/wsp-resident.XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        path_ = dir_ + "/file";
        int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0);
        std::string data(kLen, 'a');
        for (size_t i = 0; i < kLen; i += 4096) data[i] = static_cast<char>('b' + (i / 4096) % 20);
        ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
        ::close(fd);
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    char* map(int prot) {
        int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        void* p = ::mmap(nullptr, kLen, prot, MAP_PRIVATE, fd, 0);
        ::close(fd);
        return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
    }
    static constexpr size_t kLen = 64 * 4096;
    std::string dir_, path_;
};

TEST_F(ResidentPages, ReadOnlyFilePagesLeaveAndComeBackWithTheirContent) {
    char* p = map(PROT_READ);
    ASSERT_NE(p, nullptr);
    long sum = 0;
    for (size_t i = 0; i < kLen; i += 4096) sum += p[i];
    ASSERT_GT(mapped_pages(p, kLen), 0u);
    ASSERT_NE(mapped_pages(p, kLen), SIZE_MAX);

    const ReleasedPages r = release_file_pages();
    EXPECT_GT(r.mappings, 0u);
    EXPECT_GT(r.kb, 0u);
    EXPECT_EQ(mapped_pages(p, kLen), 0u);

    long again = 0;
    for (size_t i = 0; i < kLen; i += 4096) again += p[i];
    EXPECT_EQ(again, sum);
    EXPECT_EQ(p[4096], 'c');
    ::munmap(p, kLen);
}

TEST_F(ResidentPages, APageCopiedOnWriteIsKept) {
    // Written, then made read-only: what the dynamic linker does to RELRO.
    char* p = map(PROT_READ | PROT_WRITE);
    ASSERT_NE(p, nullptr);
    p[0] = 'Z';
    p[8192] = 'Y';
    ASSERT_EQ(::mprotect(p, kLen, PROT_READ), 0);

    release_file_pages();
    EXPECT_EQ(p[0], 'Z');
    EXPECT_EQ(p[8192], 'Y');
    EXPECT_EQ(p[4096], 'c');
    ::munmap(p, kLen);
}

TEST_F(ResidentPages, TheProcessRunsOnAfterward) {
    release_file_pages();
    release_file_pages();
    // Code, libraries and read-only data come back on use.
    std::string s = std::to_string(12345) + "x";
    EXPECT_EQ(s, "12345x");
    EXPECT_NE(std::getenv("PATH"), nullptr);
}

}  // namespace
}  // namespace wsp
