// Entry of the checked build (see checker.ts and builder/checked.mjs): the
// runtime's ABI, plus the checker's hooks and its report of a stray access.
export * from "../index";
export {
  wl_checked_fits,
  wl_checked_load,
  wl_checked_store,
  wl_checked_generation,
  wl_checked_window_low,
  wl_checked_window_high,
  wl_checked_stray,
  wl_checked_stray_address,
  wl_checked_stray_bytes,
  wl_checked_stray_site,
  wl_checked_stray_is_store,
  wl_checked_stray_operator,
  wl_checked_region,
  wl_checked_refusals_clear,
  wl_checked_refusals,
  wl_checked_refusal,
} from "./checker";
