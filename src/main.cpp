#include "app/commands.h"

int main(int argc, char** argv) {
    return wsp::run_command_line(argc, argv);
}
