// Panels placed on Grafana's 24-column grid left to right, wrapping to a new line: overlaps are
// impossible by construction, and ids follow the reading order so they stay stable.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DashboardBuilder, GridPos, Panel } from '@grafana/grafana-foundation-sdk/dashboard';

export const GRID_COLUMNS = 24;

/** A panel builder that can be positioned (every SDK panel builder and our form builder). */
interface Placeable extends cog.Builder<Panel> {
  gridPos(gridPos: GridPos): this;
  id(id: number): this;
}

export interface Cell {
  panel: Placeable;
  w: number;
  h: number;
}

/** Add the cells to the dashboard in order, wrapping at 24 columns; returns the next free y. */
export function placePanels(dashboard: DashboardBuilder, cells: Cell[], startY = 0): number {
  let x = 0;
  let y = startY;
  let lineHeight = 0;
  cells.forEach((cell, index) => {
    if (cell.w < 1 || cell.w > GRID_COLUMNS) throw new Error(`Expected a panel width in 1..${GRID_COLUMNS}, got ${cell.w}`);
    if (x + cell.w > GRID_COLUMNS) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    dashboard.withPanel(cell.panel.id(index + 1).gridPos({ x, y, w: cell.w, h: cell.h }));
    x += cell.w;
    lineHeight = Math.max(lineHeight, cell.h);
  });
  return y + lineHeight;
}
