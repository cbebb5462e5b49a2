// The desktop app's menu bar, fed by the renderer's actions registry: the renderer sends the actions
// with their availability whenever it changes, the menu runs them by id. Single-key shortcuts are shown
// but not registered as accelerators, which would swallow those keys while typing in a field.
import type { IpcMain, IpcMainEvent, MenuItemConstructorOptions } from "electron";
import { z } from "zod";
import type { SenderCheck } from "./ipc.js";

export const IPC_MENU = "entrim:menu";
export const IPC_MENU_ACTION = "entrim:menu-action";

export const menuItems = z
  .array(
    z
      .object({
        id: z.string().min(1).max(64),
        title: z.string().min(1).max(100),
        section: z.string().min(1).max(32),
        shortcut: z.string().max(32).optional(),
        enabled: z.boolean(),
        reason: z.string().max(300).optional(),
      })
      .strict(),
  )
  .max(200);
export type MenuItems = z.infer<typeof menuItems>;

/** "mod+shift+d" → "CmdOrCtrl+Shift+D"; undefined for keys without a modifier. */
export function accelerator(shortcut: string | undefined): string | undefined {
  if (!shortcut?.includes("+")) return undefined;
  const names: Record<string, string> = {
    mod: "CmdOrCtrl",
    shift: "Shift",
    alt: "Alt",
    escape: "Escape",
    enter: "Enter",
  };
  return shortcut
    .split("+")
    .map((part) => names[part] ?? part.toUpperCase())
    .join("+");
}

export function menuTemplate(items: MenuItems, run: (id: string) => void): MenuItemConstructorOptions[] {
  const sections = [...new Set(items.map((i) => i.section))];
  return sections.map((section) => ({
    label: section,
    submenu: items
      .filter((i) => i.section === section)
      .map((i) => ({
        id: i.id,
        label: i.shortcut && !accelerator(i.shortcut) ? `${i.title}\t${i.shortcut}` : i.title,
        enabled: i.enabled,
        toolTip: i.reason,
        ...(accelerator(i.shortcut) ? { accelerator: accelerator(i.shortcut) } : {}),
        click: () => run(i.id),
      })),
  }));
}

export function registerMenu(
  ipcMain: Pick<IpcMain, "on">,
  trusted: SenderCheck,
  apply: (template: MenuItemConstructorOptions[]) => void,
): void {
  ipcMain.on(IPC_MENU, (event: IpcMainEvent, raw: unknown) => {
    const parsed = menuItems.safeParse(raw);
    if (!trusted(event.senderFrame?.url) || !parsed.success) return;
    apply(menuTemplate(parsed.data, (id) => event.sender.send(IPC_MENU_ACTION, id)));
  });
}
