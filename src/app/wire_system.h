#pragma once
// What the identity seam enforces outside the panel: suspension
// locks the account's OS user and the package's disk quota follows the
// account. Both do nothing in sandbox mode (its Identity ignores them).
#include "base/result.h"

namespace wsp {

class Panel;

Result<void> wire_system(Panel& panel);

}  // namespace wsp
