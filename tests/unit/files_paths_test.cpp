// Request paths, trash names and the text check of the file manager.
#include <gtest/gtest.h>

#include "drivers/fs/user_path.h"
#include "services/file_service.h"

namespace wsp {
namespace {

const std::vector<std::string> kReserved = {".wispanel-trash", ".wispanel-history"};

Result<std::string> parse(std::string_view p) {
    return fs::parse_user_path(p, "Path", kReserved);
}

TEST(UserPath, NormalisesToARelativePath) {
    EXPECT_EQ(*parse("/"), "");
    EXPECT_EQ(*parse("/a/b"), "a/b");
    EXPECT_EQ(*parse("/a/b/"), "a/b");
    EXPECT_EQ(*parse("a/b"), "a/b");
    EXPECT_EQ(*parse("/./a/./b"), "a/b");
    EXPECT_EQ(*parse("/%2e%2e/x"), "%2e%2e/x");                    // a literal name once decoded
    EXPECT_EQ(*parse("/a/.wispanel-trash"), "a/.wispanel-trash");  // only the top is reserved
    EXPECT_EQ(*parse("/..."), "...");
}

TEST(UserPath, RefusesWhatIsMalformedWithAClearMessage) {
    EXPECT_EQ(parse("").error().message, "Path is required");
    EXPECT_EQ(parse(std::string_view("/a\0b", 4)).error().message, "Path contains a NUL byte");
    EXPECT_EQ(parse("/a//b").error().message, "Path contains an empty segment ('//')");
    EXPECT_EQ(parse("//").error().message, "Path contains an empty segment ('//')");
    EXPECT_EQ(parse("/..").error().message, "Path must not contain '..'");
    EXPECT_EQ(parse("/a/../b").error().message, "Path must not contain '..'");
    EXPECT_EQ(parse("../etc").error().message, "Path must not contain '..'");
    EXPECT_EQ(parse("/a/..").error().message, "Path must not contain '..'");
    EXPECT_EQ(parse("/" + std::string(256, 'x')).error().message,
              "Path has a name longer than 255 bytes");
    EXPECT_TRUE(parse("/" + std::string(255, 'x')).ok());
    std::string long_path;
    while (long_path.size() <= 4096) long_path += "/" + std::string(100, 'd');
    EXPECT_EQ(parse(long_path).error().message, "Path is longer than 4096 bytes");
    EXPECT_EQ(parse("/.wispanel-trash").error().message, "Path is reserved for the panel");
    EXPECT_EQ(parse("/.wispanel-history/x").error().message, "Path is reserved for the panel");
    EXPECT_EQ(fs::parse_user_path("", "Destination", kReserved).error().message,
              "Destination is required");
    for (const auto& bad : std::vector<std::string>{"", ".", "..", "a/b", std::string(256, 'n')})
        EXPECT_FALSE(fs::check_name(bad, "Name").ok()) << bad;
    EXPECT_TRUE(fs::check_name("_bt_x_t_1", "Name").ok());
}

// The limit is on the path as the API gives it back ("/" and the relative
// path): a relative path of 4096 bytes was accepted, and the "/..." the
// listing then showed for it (4097 bytes) was refused by the next request
// (found by the user_path fuzzer's hour, 2026-12-04). 4096 bytes is also
// the kernel's PATH_MAX with its NUL: the relative path can hold 4095.
TEST(UserPath, AnAcceptedPathFitsTheLimitAsTheApiShowsIt) {
    std::string names;
    while (names.size() < 4096) names += std::string(99, 'n') + "/";
    const std::string relative = names.substr(0, 4095);  // 4095 bytes, no "/" last
    ASSERT_NE(relative.back(), '/');
    EXPECT_TRUE(parse(relative).ok());        // "/" + 4095 = 4096
    EXPECT_TRUE(parse("/" + relative).ok());  // the same, as the API shows it
    EXPECT_EQ(fs::to_user_path(*parse(relative)).size(), 4096u);
    const std::string longer = names.substr(0, 4094) + "xy";  // 4096 bytes
    ASSERT_NE(longer.back(), '/');
    ASSERT_FALSE(parse(longer).ok());
    EXPECT_EQ(parse(longer).error().message, "Path is longer than 4096 bytes");
    for (const std::string& p : {relative, "/" + relative, longer}) {
        auto got = parse(p);
        if (!got) continue;
        auto again = parse(fs::to_user_path(*got));
        ASSERT_TRUE(again.ok()) << again.error().message;
        EXPECT_EQ(*again, *got);
    }
}

TEST(UserPath, SplitsParentAndName) {
    EXPECT_EQ(fs::split_parent("a/b/c"), (std::pair<std::string, std::string>{"a/b", "c"}));
    EXPECT_EQ(fs::split_parent("c"), (std::pair<std::string, std::string>{"", "c"}));
    EXPECT_EQ(fs::to_user_path("a/b"), "/a/b");
    EXPECT_EQ(fs::to_user_path(""), "/");
}

TEST(TrashName, FollowsTheSeed) {
    EXPECT_EQ(FileTrash::trash_name("notes.txt", 1779101076682378120),
              "_bt_notes.txt_t_1779101076682378120");
    EXPECT_EQ(FileTrash::trash_name("a/b.txt", 5), "_bt_a_bt_b.txt_t_5");
    auto parsed = FileTrash::parse_trash_name("_bt_a_bt_b.txt_t_1779101076682378120");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->first, "/a/b.txt");
    EXPECT_EQ(parsed->second, 1779101076682378120);
    EXPECT_FALSE(FileTrash::parse_trash_name("notes.txt"));
    EXPECT_FALSE(FileTrash::parse_trash_name("_bt_x_t_"));
    EXPECT_FALSE(FileTrash::parse_trash_name("_bt_x_t_12a"));
    EXPECT_FALSE(FileTrash::parse_trash_name(".wsp-write-0011"));
}

TEST(TrashName, StaysWithinAFileNameForDeepPaths) {
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += (deep.empty() ? "" : "/") + std::string(20, 'd');
    std::string name = FileTrash::trash_name(deep + "/file.txt", 1779101076682378120);
    EXPECT_LE(name.size(), 255u);
    EXPECT_TRUE(name.starts_with("_bt_"));
    EXPECT_TRUE(name.ends_with("file.txt_t_1779101076682378120"));
    EXPECT_TRUE(FileTrash::parse_trash_name(name));
}

TEST(TextCheck, AcceptsUtf8AndRefusesBinary) {
    EXPECT_TRUE(is_text("hello\nworld\t"));
    EXPECT_TRUE(is_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    EXPECT_TRUE(is_text(""));
    EXPECT_FALSE(is_text(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_text("caf\xe9"));   // Latin-1
    EXPECT_FALSE(is_text("\xc0\xaf"));  // overlong
    EXPECT_FALSE(is_text("\xe2\x82"));  // truncated
    EXPECT_FALSE(is_text("\xff\xfe"));
}

}  // namespace
}  // namespace wsp
