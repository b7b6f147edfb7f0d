/* A stand-in for bcryptprimitives.dll's ProcessPrng, which Go 1.22 and
 * later call at start and Wine 8 lacks ("bcryptprimitives.dll not found").
 * The Wine test puts it in the Wine prefix's system32 (Go loads system
 * DLLs from there only). It is a test-environment fix: the shipped exe
 * does not carry it, and real Windows has the real one. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return SystemFunction036(data, (ULONG)len);
}
