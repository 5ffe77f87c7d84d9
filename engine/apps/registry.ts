/**
 * The application handlers the card runtime knows, by the `app` name of a DF spec. A card image
 * names its applications; the runtime builds their handlers from this registry.
 */
import type { AppFactory, AppRegistry } from '../card/app.js';
import { transitApp } from './transit/transit-app.js';

export const defaultApps: AppRegistry = new Map<string, AppFactory>([['transit', transitApp]]);
