import { Box, Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The centred card of the signed-out pages: sign in, forgot password, choose a new password. */
export const AuthCard = ({ subtitle, children }: { subtitle: string; children: ReactNode }) => (
  <Center mih="100vh" p="md" component="main">
    <Box w="100%" maw={380}>
      <Stack gap={4} mb="lg" ta="center">
        <Title order={1} c="indigo" fz={32}>
          Extramile
        </Title>
        <Text c="dimmed" size="sm">
          {subtitle}
        </Text>
      </Stack>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        {children}
      </Paper>
    </Box>
  </Center>
);
