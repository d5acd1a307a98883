// The smallest end-to-end check: the binary starts, answers health, and an
// admin can log in and see itself.
#include <gtest/gtest.h>

#include "support/panel_process.h"

namespace wsp::test {
namespace {

TEST(Smoke, StartsLogsInAndAnswersMe) {
    PanelProcess panel;
    auto health = panel.http().get("/api/v1/health");
    EXPECT_EQ(health.status, 200);
    auto me = panel.http().get("/api/v1/auth/me", panel.admin_key());
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json().at("username").as_string(), "admin");
    EXPECT_EQ(me.json().at("role").as_string(), "admin");
}

TEST(Smoke, ServesHttpsWithItsOwnCertificate) {
    PanelProcess panel(PanelOptions{.tls = true});
    auto health = panel.http().get("/api/v1/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_TRUE(std::filesystem::exists(panel.data_dir() / "tls" / "cert.pem"));
}

}  // namespace
}  // namespace wsp::test
