// The access log's view of a request target: no query, no share token.
#include "http/access_log.h"

#include <gtest/gtest.h>

namespace wsp {
namespace {

TEST(AccessLog, ShareTokensAreRedacted) {
    EXPECT_EQ(loggable_target("/s/abcdef0123"), "/s/[redacted]");
    EXPECT_EQ(loggable_target("/s/abcdef0123/"), "/s/[redacted]/");
    EXPECT_EQ(loggable_target("/s/abcdef0123/file.txt?download=1"), "/s/[redacted]/file.txt");
    EXPECT_EQ(loggable_target("//s//abcdef"), "//s//[redacted]");
    EXPECT_EQ(loggable_target("/%73/abcdef"), "/%73/[redacted]");
}

TEST(AccessLog, OtherPathsKeepTheirPathButNeverTheQuery) {
    EXPECT_EQ(loggable_target("/api/v1/files/list?path=/x&token=y"), "/api/v1/files/list");
    EXPECT_EQ(loggable_target("/s"), "/s");
    EXPECT_EQ(loggable_target("/s/"), "/s/");
    EXPECT_EQ(loggable_target("/sx/abc"), "/sx/abc");
    EXPECT_EQ(loggable_target("/"), "/");
}

}  // namespace
}  // namespace wsp
