// The mail the cron reports are sent as: headers only from the panel,
// nothing injectable through the subject or body; address validation.
#include "drivers/mailer.h"

#include <gtest/gtest.h>

namespace wsp {
namespace {

std::string headers_of(const std::string& message) {
    return message.substr(0, message.find("\r\n\r\n") + 2);
}

TEST(Mailer, SubjectCannotAddHeaders) {
    Mail m{"ops@example.com", "job\r\nBcc: evil@example.com\nX-Evil: 1", "body"};
    std::string msg = format_mail("panel@example.com", m, 0);
    std::string headers = headers_of(msg);
    EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("\r\nX-Evil:"), std::string::npos) << headers;
    EXPECT_NE(headers.find("Subject: job  Bcc: evil@example.com X-Evil: 1\r\n"), std::string::npos)
        << headers;
}

TEST(Mailer, BodyIsCrlfWrappedAndAfterTheHeaders) {
    std::string long_line(2000, 'x');
    Mail m{"ops@example.com", "s", "Bcc: evil@example.com\nline2\r\n" + long_line + "\n"};
    std::string msg = format_mail("panel@example.com", m, 0);
    size_t blank = msg.find("\r\n\r\n");
    ASSERT_NE(blank, std::string::npos);
    EXPECT_EQ(msg.substr(blank + 4, 28), "Bcc: evil@example.com\r\nline2");
    for (size_t pos = 0, next; (next = msg.find("\r\n", pos)) != std::string::npos; pos = next + 2)
        EXPECT_LT(next - pos, 998u);
    EXPECT_EQ(msg.find('\n', 0) - 1, msg.find("\r\n"));  // every LF has its CR
    for (size_t i = 0; i < msg.size(); ++i)
        if (msg[i] == '\n') {
            ASSERT_EQ(msg[i - 1], '\r') << i;
        }
}

TEST(Mailer, NonAsciiSubjectIsEncoded) {
    Mail m{"ops@example.com", "Sauvegarde réussie", "b"};
    std::string headers = headers_of(format_mail("panel@example.com", m, 0));
    EXPECT_NE(headers.find("Subject: =?UTF-8?B?"), std::string::npos) << headers;
}

TEST(Mailer, ValidatesAddresses) {
    for (const char* good : {"ops@example.com", "a.b+c@sub.example.org", "x@localhost"})
        EXPECT_TRUE(valid_email(good)) << good;
    for (const char* bad :
         {"", "ops", "@example.com", "ops@", "a@@b.c", "a b@example.com", "a@exa mple.com",
          "ops@example.com\r\nBcc: x@y.z", "<ops@example.com>", "\"q\"@example.com",
          "a..b@example.com", "ops@.example.com", "ops@example..com"})
        EXPECT_FALSE(valid_email(bad)) << bad;
    EXPECT_FALSE(valid_email(std::string(250, 'a') + "@b.cd"));
}

TEST(Mailer, DisabledWithoutUrl) {
    Mailer mailer(MailConfig{});
    EXPECT_FALSE(mailer.enabled());
    auto r = mailer.send({"ops@example.com", "s", "b"});
    EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace wsp
