// phpMyAdmin's own listener address (pma.listen and its default).
#include <gtest/gtest.h>

#include "app/panel.h"

namespace wsp {
namespace {

TEST(PmaListen, DefaultsToThePanelsPortPlusOne) {
    Config c;
    c.server.listen = "127.0.0.1:2083";
    EXPECT_EQ(pma_listen(c), "127.0.0.1:2084");
    c.server.listen = "[::]:8443";
    EXPECT_EQ(pma_listen(c), "[::]:8444");
}

TEST(PmaListen, PortZeroStaysZero) {
    Config c;
    c.server.listen = "127.0.0.1:0";
    EXPECT_EQ(pma_listen(c), "127.0.0.1:0");
}

TEST(PmaListen, ExplicitAddressWins) {
    Config c;
    c.server.listen = "127.0.0.1:2083";
    c.pma.listen = "0.0.0.0:9443";
    EXPECT_EQ(pma_listen(c), "0.0.0.0:9443");
}

}  // namespace
}  // namespace wsp
