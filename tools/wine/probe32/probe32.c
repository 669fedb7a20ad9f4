/* A 32-bit Win32 program with the real client's window structure, for the cross-bitness checks
 * (issue 14 "32-bit"): the real xiadan.exe is a 32-bit process, users drive it from 64-bit Python.
 *
 * What differs between a 32-bit target and a 64-bit driver is everything read through the target's
 * memory (tree-view items: TVITEM structs of another size, pointers of another width) and window
 * messages whose parameters are pointers. So this probe has the pieces the driver touches that way:
 * the main window (class Afx:00400000:b:..., title 网上股票交易系统5.0), the menu tree SysTreeView32 129
 * (selecting an item shows its page's name in Static 1036 and in the title of pane 0xE901's child),
 * Edit 1032, and a CVirtualGridCtrl 1047 in HexinScrollWnd 200 that copies its rows as tab-separated
 * text on WM_COMMAND 0xE122 or Ctrl+C. The Python stand-in cannot be 32-bit here: PyPI carries no
 * 32-bit Windows CPython (see docs/wine.md).
 *
 * Build: i686-w64-mingw32-gcc -municode -mwindows -O2 -o probe32.exe probe32.c -lcomctl32
 */
#include <windows.h>
#include <commctrl.h>
#include <string.h>

#define ID_TREE 129
#define ID_PANE 0xE901
#define ID_NAME 1036
#define ID_CODE 1032
#define ID_GRID 1047
#define ID_CONTAINER 200
#define COPY_CMD 0xE122

static HWND g_tree, g_name, g_grid;
static const wchar_t *GRID_TEXT =
    L"证券代码\t证券名称\t股票余额\t可用余额\r\n"
    L"600000\t浦发银行\t1000\t1000\r\n"
    L"000001\t平安银行\t500\t500\r\n";

static void copy_grid(HWND owner) {
    size_t bytes = (wcslen(GRID_TEXT) + 1) * sizeof(wchar_t);
    HGLOBAL mem = GlobalAlloc(GMEM_MOVEABLE, bytes);
    if (!mem) return;
    memcpy(GlobalLock(mem), GRID_TEXT, bytes);
    GlobalUnlock(mem);
    for (int i = 0; i < 100; i++) {
        if (OpenClipboard(owner)) {
            EmptyClipboard();
            SetClipboardData(CF_UNICODETEXT, mem);
            CloseClipboard();
            return;
        }
        Sleep(5);
    }
    GlobalFree(mem);
}

static LRESULT CALLBACK grid_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp) {
    if (msg == WM_COMMAND && LOWORD(wp) == COPY_CMD) { copy_grid(h); return 0; }
    if (msg == WM_KEYDOWN && wp == 'C' && (GetKeyState(VK_CONTROL) & 0x8000)) { copy_grid(h); return 0; }
    if (msg == WM_GETDLGCODE) return DLGC_WANTALLKEYS;
    if (msg == WM_LBUTTONDOWN) { SetFocus(h); return 0; }
    return DefWindowProc(h, msg, wp, lp);
}

static HTREEITEM add(HTREEITEM parent, const wchar_t *text) {
    TVINSERTSTRUCTW ins = {0};
    ins.hParent = parent ? parent : TVI_ROOT;
    ins.hInsertAfter = TVI_LAST;
    ins.item.mask = TVIF_TEXT;
    ins.item.pszText = (wchar_t *)text;
    return (HTREEITEM)SendMessageW(g_tree, TVM_INSERTITEMW, 0, (LPARAM)&ins);
}

static LRESULT CALLBACK main_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp) {
    switch (msg) {
    case WM_NOTIFY: {
        NMHDR *hdr = (NMHDR *)lp;
        if (hdr->idFrom == ID_TREE && hdr->code == TVN_SELCHANGEDW) {
            NMTREEVIEWW *tv = (NMTREEVIEWW *)lp;
            wchar_t buf[64] = {0};
            TVITEMW item = {0};
            item.mask = TVIF_TEXT;
            item.hItem = tv->itemNew.hItem;
            item.pszText = buf;
            item.cchTextMax = 63;
            SendMessageW(g_tree, TVM_GETITEMW, 0, (LPARAM)&item);
            SetWindowTextW(g_name, buf);
        }
        return 0;
    }
    case WM_CLOSE:
        DestroyWindow(h);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProc(h, msg, wp, lp);
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmd, int show) {
    (void)prev; (void)cmd; (void)show;
    INITCOMMONCONTROLSEX icc = {sizeof(icc), ICC_TREEVIEW_CLASSES | ICC_STANDARD_CLASSES};
    InitCommonControlsEx(&icc);
    WNDCLASSW wc = {0};
    wc.hInstance = inst;
    wc.hCursor = LoadCursor(NULL, IDC_ARROW);
    wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
    wc.lpfnWndProc = main_proc;
    wc.lpszClassName = L"Afx:00400000:b:00010003:00000006:00000000";
    RegisterClassW(&wc);
    wc.lpfnWndProc = DefWindowProc;
    wc.lpszClassName = L"HexinScrollWnd";
    RegisterClassW(&wc);
    wc.lpszClassName = L"AfxFrameOrView42s";
    RegisterClassW(&wc);
    wc.lpfnWndProc = grid_proc;
    wc.lpszClassName = L"CVirtualGridCtrl";
    wc.hbrBackground = (HBRUSH)(COLOR_WINDOW + 1);
    RegisterClassW(&wc);

    HWND main = CreateWindowExW(0, L"Afx:00400000:b:00010003:00000006:00000000", L"网上股票交易系统5.0",
                                WS_OVERLAPPEDWINDOW | WS_CLIPCHILDREN, 20, 20, 900, 600, NULL, NULL, inst, NULL);
    DWORD child = WS_CHILD | WS_VISIBLE;
    g_tree = CreateWindowExW(WS_EX_CLIENTEDGE, WC_TREEVIEWW, L"",
                             child | TVS_HASBUTTONS | TVS_HASLINES | TVS_LINESATROOT | TVS_SHOWSELALWAYS,
                             0, 0, 200, 560, main, (HMENU)ID_TREE, inst, NULL);
    HWND pane = CreateWindowExW(0, L"AfxFrameOrView42s", L"", child, 204, 0, 680, 560, main, (HMENU)ID_PANE, inst, NULL);
    g_name = CreateWindowExW(0, L"Static", L"", child, 10, 10, 200, 20, pane, (HMENU)ID_NAME, inst, NULL);
    CreateWindowExW(WS_EX_CLIENTEDGE, L"Edit", L"", child | WS_TABSTOP | ES_AUTOHSCROLL, 10, 40, 100, 22, pane,
                    (HMENU)ID_CODE, inst, NULL);
    HWND box = CreateWindowExW(0, L"HexinScrollWnd", L"", child, 10, 80, 600, 300, pane, (HMENU)ID_CONTAINER, inst, NULL);
    g_grid = CreateWindowExW(WS_EX_CLIENTEDGE, L"CVirtualGridCtrl", L"", child | WS_TABSTOP, 0, 0, 600, 300, box,
                             (HMENU)ID_GRID, inst, NULL);

    add(NULL, L"买入[F1]");
    add(NULL, L"卖出[F2]");
    add(NULL, L"撤单[F3]");
    HTREEITEM query = add(NULL, L"查询[F4]");
    add(query, L"资金股票");
    add(query, L"当日委托");
    add(query, L"当日成交");
    SendMessageW(g_tree, TVM_EXPAND, TVE_EXPAND, (LPARAM)query);

    ShowWindow(main, SW_SHOW);
    UpdateWindow(main);
    MSG msg;
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    return 0;
}
