// The smallest end-to-end check: the binary starts, answers health, and an
// admin can log in and see itself.
#include <gtest/gtest.h>

#include "support/panel_process.h"
#include "support/tls_probe.h"

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

// What testssl.sh flagged (docs/reliability.md): CBC suites (LUCKY13,
// "average" cipher list), no server cipher order, no HSTS. Only AEAD suites
// with forward secrecy are offered now, in the server's order.
TEST(Smoke, TlsOffersOnlyForwardSecretAeadSuitesAndHsts) {
    PanelProcess panel(PanelOptions{.tls = true});
    auto negotiated = [&](std::vector<std::string> offer) {
        offer.insert(offer.begin(), {"-connect", "127.0.0.1:" + std::to_string(panel.port())});
        return negotiated_cipher(offer);
    };
    EXPECT_EQ(negotiated({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"}), "(NONE)");
    EXPECT_EQ(negotiated({"-tls1_2", "-cipher", "AES128-GCM-SHA256"}), "(NONE)");
    // The client prefers CHACHA20; the server's order puts AES-GCM first.
    EXPECT_EQ(negotiated({"-tls1_2", "-cipher",
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256"}),
              "ECDHE-ECDSA-AES128-GCM-SHA256");
    EXPECT_EQ(negotiated({"-tls1_1"}), "(NONE)");
    auto health = panel.http().get("/api/v1/health");
    EXPECT_EQ(health.headers["strict-transport-security"], "max-age=31536000");
}

TEST(Smoke, PlainHttpSendsNoHsts) {
    PanelProcess panel;
    EXPECT_EQ(panel.http().get("/api/v1/health").headers.count("strict-transport-security"), 0u);
}

}  // namespace
}  // namespace wsp::test
